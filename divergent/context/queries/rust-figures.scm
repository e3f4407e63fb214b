; Static figures of Rust code: what each capture name means is told in
; divergent/context/figures.py.  Cyclomatic as lizard 1.24, cognitive by
; SonarSource's white paper.

; --- Units (closures are not: lizard does not take them for functions) --------------
(function_item) @function
[(struct_item) (enum_item) (union_item) (trait_item) (impl_item)] @class
(impl_item
  type: [
    (type_identifier) @qualifier
    (generic_type type: (type_identifier) @qualifier)
    (scoped_type_identifier name: (type_identifier) @qualifier)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @qualifier))
  ])

; --- Cyclomatic (lizard) -------------------------------------------------------------
; tokens, in macros too; `?` is both the try operator and `?Sized`
["if" "for" "while" "where" "&&" "||" "?"] @cyclomatic
; lizard reads `&&` where tree-sitter sees two `&`
(reference_type "&" @cyclomatic type: (reference_type))
(reference_expression "&" @cyclomatic value: (reference_expression))
(reference_pattern "&" @cyclomatic (reference_pattern))
; each arm of a match after the first; the `else` of a `let ... else`
(match_block) @cyclomatic.arms
(let_declaration alternative: (_) @cyclomatic)

; --- Cognitive (SonarSource) -----------------------------------------------------------
(if_expression) @cognitive.structural
(if_expression consequence: (block) @cognitive.nest)
(else_clause) @cognitive.else
; `else if`: the if adds 1 for both, and no nesting
(else_clause (if_expression)) @elseif
(else_clause (if_expression) @elseif)
[(for_expression) (while_expression) (loop_expression)] @cognitive.structural
(for_expression body: (block) @cognitive.nest)
(while_expression body: (block) @cognitive.nest)
(loop_expression body: (block) @cognitive.nest)
(match_expression) @cognitive.structural
(match_expression body: (match_block) @cognitive.nest)
(closure_expression) @cognitive.nest
(binary_expression operator: ["&&" "||"]) @cognitive.logical
(break_expression (label)) @cognitive.hybrid
(continue_expression (label)) @cognitive.hybrid
(call_expression function: (identifier) @cognitive.recursion)

; --- Nesting, parameters, comments ----------------------------------------------------
[
  (if_expression)
  (for_expression)
  (while_expression)
  (loop_expression)
  (match_expression)
] @block

(function_item parameters: (parameters [(parameter) (variadic_parameter)] @param))

[(line_comment) (block_comment)] @comment

; --- Surface (`pub` items) and types --------------------------------------------------
(source_file
  [
    (function_item (visibility_modifier) @_pub name: (_) @surface)
    (struct_item (visibility_modifier) @_pub name: (_) @surface)
    (enum_item (visibility_modifier) @_pub name: (_) @surface)
    (union_item (visibility_modifier) @_pub name: (_) @surface)
    (trait_item (visibility_modifier) @_pub name: (_) @surface)
    (type_item (visibility_modifier) @_pub name: (_) @surface)
    (const_item (visibility_modifier) @_pub name: (_) @surface)
    (static_item (visibility_modifier) @_pub name: (_) @surface)
    (mod_item (visibility_modifier) @_pub name: (_) @surface)
    (use_declaration (visibility_modifier) @_pub argument: (_) @surface)
  ]
  (#eq? @_pub "pub"))

(struct_item
  body: (field_declaration_list
    (field_declaration (visibility_modifier) @_pub name: (field_identifier) @member))
  (#eq? @_pub "pub"))
(enum_item body: (enum_variant_list (enum_variant name: (identifier) @member)))
(trait_item
  body: (declaration_list
    [
      (function_item name: (identifier) @member)
      (function_signature_item name: (identifier) @member)
      (associated_type name: (type_identifier) @member)
      (const_item name: (identifier) @member)
    ]))
(impl_item
  !trait
  body: (declaration_list
    [
      (function_item (visibility_modifier) @_pub name: (identifier) @member)
      (const_item (visibility_modifier) @_pub name: (identifier) @member)
    ])
  (#eq? @_pub "pub"))
(impl_item
  trait: (_)
  body: (declaration_list
    [
      (function_item name: (identifier) @member)
      (associated_type name: (type_identifier) @member)
      (const_item name: (identifier) @member)
    ]))

[(struct_item) (enum_item) (union_item) (trait_item) (type_item)] @type
