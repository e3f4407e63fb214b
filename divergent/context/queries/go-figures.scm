; Static figures of Go code: what each capture name means is told in
; divergent/context/figures.py.  Cyclomatic as lizard 1.24, cognitive as gocognit.

; --- Units ---------------------------------------------------------------------
[(function_declaration) (method_declaration) (func_literal)] @function
(type_spec type: [(struct_type) (interface_type)]) @class
(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @qualifier
        (pointer_type (type_identifier) @qualifier)
        (generic_type type: (type_identifier) @qualifier)
        (pointer_type (generic_type type: (type_identifier) @qualifier))
      ])))

; --- Cyclomatic (lizard) -------------------------------------------------------------
["if" "for" "case" "&&" "||"] @cyclomatic

; --- Cognitive (gocognit) --------------------------------------------------------------
(if_statement) @cognitive.structural
(if_statement consequence: (block) @cognitive.nest)
(if_statement alternative: (block) @cognitive.else)
(if_statement alternative: (if_statement) @elseif)
(for_statement) @cognitive.structural
(for_statement body: (block) @cognitive.nest)
[(expression_switch_statement) (type_switch_statement) (select_statement)] @cognitive.structural
(expression_switch_statement [(expression_case) (default_case)] @cognitive.nest)
(type_switch_statement [(type_case) (default_case)] @cognitive.nest)
(select_statement [(communication_case) (default_case)] @cognitive.nest)
(binary_expression operator: ["&&" "||"]) @cognitive.logical
(break_statement (label_name)) @cognitive.hybrid
(continue_statement (label_name)) @cognitive.hybrid
(goto_statement) @cognitive.hybrid
(call_expression function: (identifier) @cognitive.recursion)

; --- Nesting, parameters, comments ----------------------------------------------------
[
  (if_statement)
  (for_statement)
  (expression_switch_statement)
  (type_switch_statement)
  (select_statement)
] @block

; `a, b int` declares two parameters; `func(int, string)` two unnamed ones
(function_declaration parameters: (parameter_list (parameter_declaration name: (identifier) @param)))
(function_declaration parameters: (parameter_list (parameter_declaration !name) @param))
(function_declaration parameters: (parameter_list (variadic_parameter_declaration) @param))
(method_declaration parameters: (parameter_list (parameter_declaration name: (identifier) @param)))
(method_declaration parameters: (parameter_list (parameter_declaration !name) @param))
(method_declaration parameters: (parameter_list (variadic_parameter_declaration) @param))
(func_literal parameters: (parameter_list (parameter_declaration name: (identifier) @param)))
(func_literal parameters: (parameter_list (parameter_declaration !name) @param))
(func_literal parameters: (parameter_list (variadic_parameter_declaration) @param))

(comment) @comment

; --- Surface (capitalised names) and types ----------------------------------------------
(source_file
  [
    (function_declaration name: (identifier) @surface)
    (type_declaration (type_spec name: (type_identifier) @surface))
    (type_declaration (type_alias name: (type_identifier) @surface))
    (const_declaration (const_spec name: (identifier) @surface))
    (var_declaration (var_spec name: (identifier) @surface))
    (var_declaration (var_spec_list (var_spec name: (identifier) @surface)))
  ]
  (#match? @surface "^[A-Z]"))

(type_spec
  type: (struct_type
    (field_declaration_list (field_declaration name: (field_identifier) @member)))
  (#match? @member "^[A-Z]"))
(type_spec
  type: (interface_type (method_elem name: (field_identifier) @member))
  (#match? @member "^[A-Z]"))
; a method joins its receiver's type
(method_declaration name: (field_identifier) @member (#match? @member "^[A-Z]"))

[(type_spec) (type_alias)] @type
