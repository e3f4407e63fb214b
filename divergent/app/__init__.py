"""The Textual UI: screens, widgets, bindings, the command palette.

It renders engine state and sends commands to ``engine.session.Session``; no domain
logic lives here. ``main`` holds the App; ``screens/`` one module per screen (each
with its .tcss beside it); ``widgets/`` the reusable parts; ``palette`` the command
provider; ``prefs`` the remembered UI choices (the theme).
"""
