; inherits: ecmascript
; Static figures of TypeScript code: the patterns its grammar alone knows
; (tsx-figures.scm inherits them).

[
  (abstract_class_declaration)
  (interface_declaration)
  (enum_declaration)
] @class

; a parameter's default value (lizard counts it)
[
  (required_parameter value: (_))
  (optional_parameter value: (_))
] @cyclomatic

; a function's own parameters (not those of a function type in its signature)
(function_declaration
  parameters: (formal_parameters [(required_parameter) (optional_parameter)] @param))
(generator_function_declaration
  parameters: (formal_parameters [(required_parameter) (optional_parameter)] @param))
(function_expression
  parameters: (formal_parameters [(required_parameter) (optional_parameter)] @param))
(generator_function
  parameters: (formal_parameters [(required_parameter) (optional_parameter)] @param))
(arrow_function
  parameters: (formal_parameters [(required_parameter) (optional_parameter)] @param))
(method_definition
  parameters: (formal_parameters [(required_parameter) (optional_parameter)] @param))

(program
  (export_statement
    declaration: [
      (abstract_class_declaration name: (_) @surface)
      (interface_declaration name: (_) @surface)
      (type_alias_declaration name: (_) @surface)
      (enum_declaration name: (_) @surface)
    ]))

(class_body
  [
    (public_field_definition name: (property_identifier) @member)
    (abstract_method_signature name: (property_identifier) @member)
  ])
(class_body
  [
    (method_definition (accessibility_modifier) @_access name: (property_identifier) @member.hidden)
    (public_field_definition (accessibility_modifier) @_access name: (property_identifier) @member.hidden)
    (abstract_method_signature (accessibility_modifier) @_access name: (property_identifier) @member.hidden)
  ]
  (#match? @_access "^(private|protected)$"))
(interface_body
  [
    (property_signature name: (property_identifier) @member)
    (method_signature name: (property_identifier) @member)
  ])
(enum_body
  [
    (property_identifier) @member
    (enum_assignment name: (property_identifier) @member)
  ])

[
  (abstract_class_declaration)
  (interface_declaration)
  (type_alias_declaration)
  (enum_declaration)
] @type
