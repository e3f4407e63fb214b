"""Critics: strategies that score candidates, registered by name.

``base`` holds the protocol and registry and the relative-to-baseline helpers;
``simplicity``, ``extensibility`` and ``validity`` are static (no network).
Every score is 0..1, higher is better, and relative to today's code: the
baseline scores 0.5 on the comparative dimensions.
"""
