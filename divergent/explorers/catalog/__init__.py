"""The offline catalog: mechanical, behaviour-preserving refactorings found by analysis.

Each of these modules is one move: ``registry``, ``polymorphism``, ``table`` (type-code
conditionals), ``extract`` (functions out of a long function), ``duplicates``,
``decompose`` (named conditions), ``split_phase`` (compute, then render), ``lift``,
``inject``, ``parameter_object``, ``protocol`` (offered alone, never paired). ``explorer``
applies every applicable move, and every compatible pair of moves, to the target and
yields each result as a candidate. Shared pieces: ``edits`` (text edits), ``scope``
(what a target covers), ``flow`` (names read and bound, from Python's ``ast``),
``naming`` (names from comments, values and conditions), ``moves`` (what a move is).
"""
