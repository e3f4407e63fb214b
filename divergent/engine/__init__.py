"""The loop: sessions, scoring, clustering, ranking.

``explore`` runs explorers and critics for a session and persists each candidate
the moment it is scored; ``clustering`` groups near-duplicates; ``ranking``
turns score vectors into an overall figure; ``headless`` reports events as text;
``export`` turns a chosen candidate into a patch, a branch or a decision record.
The engine emits ``Event``s that the headless reporter and the TUI both consume.
"""
