"""The Textual UI: screens, widgets, bindings, the command palette. It renders engine
state and sends commands; no domain logic lives here. (Empty in this build.)"""
