"""Explorers: strategies that produce candidate designs, registered by name.

``base`` holds the protocol and the registry; ``catalog`` is the offline explorer
of mechanical, behaviour-preserving refactorings.
"""
