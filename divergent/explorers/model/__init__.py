"""Explorers that ask a model: lenses, dimensions, novelty, refine, combine, materialize.

``lenses`` is the table of design lenses (the messages are in ``llm.prompts``), and
``fanout`` sends many requests at once and turns replies into candidates.
``scenarios`` asks the model for likely future changes (not candidates).
"""
