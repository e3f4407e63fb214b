"""Textual themes (``register_theme``) and ``.tcss`` stylesheets. (Empty in this build.)"""
