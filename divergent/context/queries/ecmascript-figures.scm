; Static figures of JavaScript, TypeScript and TSX code, the part their
; grammars share (javascript-, typescript- and tsx-figures.scm inherit it):
; what each capture name means is told in divergent/context/figures.py.
; Cyclomatic as lizard 1.24, cognitive by SonarSource's white paper.

; --- Units: what lizard takes for a function ---------------------------------------
[
  (function_declaration)
  (generator_function_declaration)
  (function_expression)
  (generator_function)
  (arrow_function)
  (method_definition)
] @function
[(class_declaration) (class)] @class

; --- Cyclomatic (lizard) -------------------------------------------------------------
["if" "for" "while" "catch" "case" "&&" "||" "??" "&&=" "||=" "??="] @cyclomatic
(ternary_expression) @cyclomatic
; default values in parameters and destructuring patterns
[(assignment_pattern) (object_assignment_pattern)] @cyclomatic
; lizard reads a template string as one token
(template_string) @cyclomatic.opaque

; --- Cognitive (SonarSource) -----------------------------------------------------------
(if_statement) @cognitive.structural
(if_statement consequence: (_) @cognitive.nest)
(else_clause) @cognitive.else
; `else if`: the if adds 1 for both, and no nesting
(else_clause (if_statement)) @elseif
(else_clause (if_statement) @elseif)
[(for_statement) (for_in_statement) (while_statement) (do_statement)] @cognitive.structural
(for_statement body: (_) @cognitive.nest)
(for_in_statement body: (_) @cognitive.nest)
(while_statement body: (_) @cognitive.nest)
(do_statement body: (_) @cognitive.nest)
(catch_clause) @cognitive.structural
(catch_clause body: (_) @cognitive.nest)
(switch_statement) @cognitive.structural
(switch_statement body: (_) @cognitive.nest)
(ternary_expression) @cognitive.structural @cognitive.nest
(binary_expression operator: ["&&" "||" "??"]) @cognitive.logical
(break_statement label: (_)) @cognitive.hybrid
(continue_statement label: (_)) @cognitive.hybrid
(call_expression function: (identifier) @cognitive.recursion)

; --- Nesting, parameters, comments ----------------------------------------------------
[
  (if_statement)
  (for_statement)
  (for_in_statement)
  (while_statement)
  (do_statement)
  (try_statement)
  (switch_statement)
] @block

(arrow_function parameter: (identifier) @param)

(comment) @comment

; --- Surface and types ----------------------------------------------------------------
(program
  (export_statement
    declaration: [
      (function_declaration name: (_) @surface)
      (generator_function_declaration name: (_) @surface)
      (class_declaration name: (_) @surface)
    ]))
(program
  (export_statement
    declaration: [
      (lexical_declaration (variable_declarator name: (identifier) @surface))
      (variable_declaration (variable_declarator name: (identifier) @surface))
    ]))
(program (export_statement "default" @surface))
(program (export_statement (export_clause (export_specifier alias: (_) @surface))))
(program (export_statement (export_clause (export_specifier !alias name: (_) @surface))))

(class_body (method_definition name: (property_identifier) @member))

[(class_declaration) (class)] @type
