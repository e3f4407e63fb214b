"""The offline catalog: mechanical, behaviour-preserving refactorings found by analysis.

Each of these modules is one move: ``handlers`` (a registry of handler functions),
``polymorphism``, ``subclasses``, ``table`` (type-code conditionals), ``extract``
(functions out of a long function), ``duplicates``, ``decompose`` (named conditions),
``split_phase`` (compute, then render), ``lift``, ``inject``, ``parameter_object``,
``extract_protocol`` (offered alone, never paired). ``explorer`` applies every
applicable move, and every compatible pair of moves, to the target and yields each
result as a candidate. Shared pieces: ``chains`` (type-code conditionals to take
apart), ``reading`` (a module's text and its functions in scope), ``edits`` (text
edits), ``scope`` (what a target covers, by tree-sitter), ``flow`` (names read and
bound, from Python's ``ast``), ``naming`` (names from comments, values and
conditions), ``moves`` (what a move is).
"""
