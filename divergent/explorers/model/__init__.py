"""Explorers that ask a model: lenses, dimensions, novelty, refine, combine, materialize.

``prompts`` builds the messages, ``lenses`` is the table of design lenses, and
``fanout`` sends many requests at once and turns replies into candidates.
``scenarios`` asks the model for likely future changes (not candidates).
"""
