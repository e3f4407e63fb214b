; Design structure of Go code (see divergent/context/structure.py for the captures).

; --- extension points
(type_spec name: (type_identifier) @interface.name type: (interface_type)) @interface
(type_spec name: (type_identifier) @callable.name type: (function_type))

(source_file
  (var_declaration
    (var_spec
      name: (identifier) @registry.name
      value: (expression_list (composite_literal type: (map_type) body: (literal_value) @registry.table)))))
(literal_value (keyed_element) @registry.entry)
(literal_value
  (keyed_element value: (literal_element [(identifier) (selector_expression) (func_literal)])) @registry.handler)

; parameters of a constructor (func NewT(...) *T) typed with an interface or a function type
(function_declaration
  name: (identifier) @_new (#match? @_new "^New")
  parameters: (parameter_list
    (parameter_declaration
      name: (identifier) @injected.name
      type: [(type_identifier) (qualified_type) (pointer_type)] @injected.type))
  result: [(pointer_type (type_identifier) @injected.owner) (type_identifier) @injected.owner])
(function_declaration
  name: (identifier) @_new (#match? @_new "^New")
  parameters: (parameter_list
    (parameter_declaration name: (identifier) @injected.name type: (function_type) @injected.callable))
  result: [(pointer_type (type_identifier) @injected.owner) (type_identifier) @injected.owner])

; --- type codes
(binary_expression
  left: [(identifier) (selector_expression)] @case.subject
  operator: ["==" "!="]
  right: [(interpreted_string_literal) (raw_string_literal) (int_literal)] @case.literal)
; a named constant: kind == KindA, kind == pkg.KindA
(binary_expression
  left: [(identifier) (selector_expression)] @case.subject
  operator: ["==" "!="]
  right: [(identifier) (selector_expression field: (field_identifier))] @case.literal
  (#match? @case.literal "^([A-Za-z_]+[.])?[A-Z]"))
(binary_expression
  left: [(interpreted_string_literal) (raw_string_literal) (int_literal)] @case.literal
  operator: ["==" "!="]
  right: [(identifier) (selector_expression)] @case.subject)
(expression_switch_statement
  value: (_) @case.subject
  (expression_case
    value: (expression_list
      [(interpreted_string_literal) (raw_string_literal) (int_literal) (identifier) (selector_expression)] @case.literal)))

; --- built collaborators: return &T{field: NewThing(...)} in func NewT
(function_declaration
  name: (identifier) @_new (#match? @_new "^New")
  body: (block (statement_list (return_statement (expression_list
    (unary_expression operand: (composite_literal
        type: (type_identifier) @built.owner
        body: (literal_value
          (keyed_element
            key: (literal_element (identifier) @built.field)
            value: (literal_element
              [(call_expression function: (identifier) @built.type)
               (unary_expression operand: (composite_literal type: (type_identifier) @built.type))
               (composite_literal type: (type_identifier) @built.type)])))))))))
  (#match? @built.type "^(New|[A-Z])"))
(function_declaration
  name: (identifier) @_new (#match? @_new "^New")
  body: (block (statement_list (return_statement (expression_list
    (composite_literal
        type: (type_identifier) @built.owner
        body: (literal_value
          (keyed_element
            key: (literal_element (identifier) @built.field)
            value: (literal_element
              [(call_expression function: (identifier) @built.type)
               (unary_expression operand: (composite_literal type: (type_identifier) @built.type))
               (composite_literal type: (type_identifier) @built.type)]))))))))
  (#match? @built.type "^(New|[A-Z])"))
(function_declaration
  name: (identifier) @_new (#match? @_new "^New")
  body: (block (statement_list (return_statement (expression_list
    (unary_expression operand: (composite_literal
        type: (type_identifier) @built.owner
        body: (literal_value
          (keyed_element
            key: (literal_element (identifier) @built.field)
            value: (literal_element
              (call_expression
                function: (selector_expression operand: (identifier) @built.module field: (field_identifier) @built.type))))))))))))
(function_declaration
  name: (identifier) @_new (#match? @_new "^New")
  body: (block (statement_list (return_statement (expression_list
    (composite_literal
        type: (type_identifier) @built.owner
        body: (literal_value
          (keyed_element
            key: (literal_element (identifier) @built.field)
            value: (literal_element
              (call_expression
                function: (selector_expression operand: (identifier) @built.module field: (field_identifier) @built.type)))))))))))
(import_spec path: (interpreted_string_literal) @import)
(import_spec name: (package_identifier) @import)

; --- coupling and cohesion
(call_expression function: [(identifier) @call (selector_expression field: (field_identifier) @call)])
(selector_expression operand: (identifier) @member.object field: (field_identifier) @member.name)
(method_declaration receiver: (parameter_list (parameter_declaration name: (identifier) @receiver)))

; --- names
(function_declaration name: (identifier) @name)
(method_declaration name: (field_identifier) @name)
(type_spec name: (type_identifier) @name)
(field_declaration name: (field_identifier) @name)
(method_elem name: (field_identifier) @name)
(const_spec name: (identifier) @name)
(var_spec name: (identifier) @name)
