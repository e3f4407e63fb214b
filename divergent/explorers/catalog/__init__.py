"""The offline catalog: mechanical, behaviour-preserving refactorings found by analysis.

Each module here is one move (``registry``, ``lift``, ``protocol``, ``inject``,
``parameter_object``); ``explorer`` applies every applicable move, and every
compatible pair of moves, to the target and yields each result as a candidate.
"""
