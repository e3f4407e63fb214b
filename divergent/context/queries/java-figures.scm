; Static figures of Java code: what each capture name means is told in
; divergent/context/figures.py.  Cyclomatic as lizard 1.24, cognitive by
; SonarSource's white paper.

; --- Units (lambdas are not: lizard does not take them for functions) -----------------
(method_declaration body: (block)) @function
[(constructor_declaration) (compact_constructor_declaration)] @function
[
  (class_declaration)
  (interface_declaration)
  (enum_declaration)
  (record_declaration)
  (annotation_type_declaration)
] @class

; --- Cyclomatic (lizard) -------------------------------------------------------------
["if" "for" "while" "catch" "case" "&&" "||"] @cyclomatic
(ternary_expression) @cyclomatic

; --- Cognitive (SonarSource) -----------------------------------------------------------
(if_statement) @cognitive.structural
(if_statement consequence: (_) @cognitive.nest)
(if_statement alternative: (_) @cognitive.else)
(if_statement alternative: (if_statement) @elseif)
[(for_statement) (enhanced_for_statement) (while_statement) (do_statement)] @cognitive.structural
(for_statement body: (_) @cognitive.nest)
(enhanced_for_statement body: (_) @cognitive.nest)
(while_statement body: (_) @cognitive.nest)
(do_statement body: (_) @cognitive.nest)
(catch_clause) @cognitive.structural
(catch_clause body: (_) @cognitive.nest)
(switch_expression) @cognitive.structural
(switch_expression body: (_) @cognitive.nest)
(ternary_expression) @cognitive.structural @cognitive.nest
(lambda_expression) @cognitive.nest
(binary_expression operator: ["&&" "||"]) @cognitive.logical
(break_statement (identifier)) @cognitive.hybrid
(continue_statement (identifier)) @cognitive.hybrid
(method_invocation !object name: (identifier) @cognitive.recursion)

; --- Nesting, parameters, comments ----------------------------------------------------
[
  (if_statement)
  (for_statement)
  (enhanced_for_statement)
  (while_statement)
  (do_statement)
  (try_statement)
  (try_with_resources_statement)
  (switch_expression)
  (synchronized_statement)
] @block

(method_declaration parameters: (formal_parameters [(formal_parameter) (spread_parameter)] @param))
(constructor_declaration parameters: (formal_parameters [(formal_parameter) (spread_parameter)] @param))

[(line_comment) (block_comment)] @comment

; --- Surface (`public` declarations) and types ------------------------------------------
(program
  [
    (class_declaration (modifiers "public") name: (_) @surface)
    (interface_declaration (modifiers "public") name: (_) @surface)
    (enum_declaration (modifiers "public") name: (_) @surface)
    (record_declaration (modifiers "public") name: (_) @surface)
    (annotation_type_declaration (modifiers "public") name: (_) @surface)
  ])

; a class's, enum's or record's public members (an anonymous class's are not counted)
(class_declaration
  body: (class_body
    [
      (method_declaration (modifiers "public") name: (_) @member)
      (constructor_declaration (modifiers "public") name: (_) @member)
      (compact_constructor_declaration (modifiers "public") name: (_) @member)
      (field_declaration (modifiers "public") declarator: (variable_declarator name: (_) @member))
      (class_declaration (modifiers "public") name: (_) @member)
      (interface_declaration (modifiers "public") name: (_) @member)
      (enum_declaration (modifiers "public") name: (_) @member)
      (record_declaration (modifiers "public") name: (_) @member)
    ]))
(record_declaration
  body: (class_body
    [
      (method_declaration (modifiers "public") name: (_) @member)
      (constructor_declaration (modifiers "public") name: (_) @member)
      (compact_constructor_declaration (modifiers "public") name: (_) @member)
      (field_declaration (modifiers "public") declarator: (variable_declarator name: (_) @member))
      (class_declaration (modifiers "public") name: (_) @member)
      (interface_declaration (modifiers "public") name: (_) @member)
      (enum_declaration (modifiers "public") name: (_) @member)
      (record_declaration (modifiers "public") name: (_) @member)
    ]))
(enum_body_declarations
  [
    (method_declaration (modifiers "public") name: (_) @member)
    (field_declaration (modifiers "public") declarator: (variable_declarator name: (_) @member))
  ])
(enum_body (enum_constant name: (_) @member))
(record_declaration parameters: (formal_parameters (formal_parameter name: (_) @member)))
; an interface's members are public unless private
(interface_body
  [
    (method_declaration name: (_) @member)
    (constant_declaration declarator: (variable_declarator name: (_) @member))
  ])
(interface_body (method_declaration (modifiers "private") name: (_) @member.hidden))
(annotation_type_body (annotation_type_element_declaration name: (_) @member))

[
  (class_declaration)
  (interface_declaration)
  (enum_declaration)
  (record_declaration)
  (annotation_type_declaration)
] @type
