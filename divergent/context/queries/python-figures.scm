; Static figures of Python code: what each capture name means is told in
; divergent/context/figures.py.  Cyclomatic as radon 6.0.1, cognitive as
; SonarQube's Python analyser.

; --- Units ---------------------------------------------------------------------
(function_definition) @function
(class_definition) @class
(decorated_definition
  (decorator (identifier) @_decorator)
  definition: (function_definition) @static
  (#eq? @_decorator "staticmethod"))

; --- Cyclomatic (radon) ------------------------------------------------------------
[
  (if_statement)
  (elif_clause)
  (conditional_expression)
  (boolean_operator)
  (for_statement)
  (while_statement)
] @cyclomatic
; A comprehension's ``for``s and ``if``s (not a case guard's ``if``).
(list_comprehension [(for_in_clause) (if_clause)] @cyclomatic)
(set_comprehension [(for_in_clause) (if_clause)] @cyclomatic)
(dictionary_comprehension [(for_in_clause) (if_clause)] @cyclomatic)
(generator_expression [(for_in_clause) (if_clause)] @cyclomatic)
(for_statement alternative: (else_clause) @cyclomatic)
(while_statement alternative: (else_clause) @cyclomatic)
(assert_statement) @cyclomatic @cyclomatic.opaque
(try_statement) @cyclomatic.try
(match_statement) @cyclomatic.match

; --- Cognitive (SonarSource) ---------------------------------------------------------
(if_statement) @cognitive.structural
(if_statement consequence: (block) @cognitive.nest)
(elif_clause) @cognitive.hybrid
(elif_clause consequence: (block) @cognitive.nest)
(else_clause body: (block) @cognitive.else)
[(for_statement) (while_statement)] @cognitive.structural
(for_statement body: (block) @cognitive.nest)
(while_statement body: (block) @cognitive.nest)
(except_clause) @cognitive.structural
(except_clause (block) @cognitive.nest)
(conditional_expression) @cognitive.structural @cognitive.nest
(boolean_operator) @cognitive.logical

; --- Nesting, parameters, comments ----------------------------------------------------
[
  (if_statement)
  (for_statement)
  (while_statement)
  (try_statement)
  (with_statement)
  (match_statement)
] @block

(function_definition
  parameters: (parameters
    [
      (identifier)
      (typed_parameter)
      (default_parameter)
      (typed_default_parameter)
      (list_splat_pattern)
      (dictionary_splat_pattern)
    ] @param))
(function_definition
  parameters: (parameters
    .
    [
      (identifier)
      (default_parameter)
      (typed_default_parameter)
      (typed_parameter . (identifier))
    ] @param.self))

(comment) @comment

; --- Surface and types ----------------------------------------------------------------
(module
  [
    (function_definition name: (identifier) @surface)
    (class_definition name: (identifier) @surface)
    (decorated_definition
      definition: [
        (function_definition name: (identifier) @surface)
        (class_definition name: (identifier) @surface)
      ])
    (expression_statement (assignment left: (identifier) @surface))
    (type_alias_statement left: (type (identifier) @surface))
  ]
  (#not-match? @surface "^_"))

(class_definition
  body: (block
    [
      (function_definition name: (identifier) @member)
      (class_definition name: (identifier) @member)
      (decorated_definition
        definition: [
          (function_definition name: (identifier) @member)
          (class_definition name: (identifier) @member)
        ])
      (expression_statement (assignment left: (identifier) @member))
    ])
  (#not-match? @member "^_"))

[(class_definition) (type_alias_statement)] @type
