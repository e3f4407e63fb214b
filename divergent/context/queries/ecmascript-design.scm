; Design structure shared by JavaScript and TypeScript (see divergent/context/structure.py).

; --- extension points: module-level tables of functions
(program
  (lexical_declaration
    (variable_declarator name: (identifier) @registry.name value: (object) @registry.table)))
(program
  (export_statement
    declaration: (lexical_declaration
      (variable_declarator name: (identifier) @registry.name value: (object) @registry.table))))
(object [(pair) (shorthand_property_identifier)] @registry.entry)
(object (pair value: [(identifier) (member_expression) (arrow_function) (function_expression)]) @registry.handler)
(object (shorthand_property_identifier) @registry.handler)

; --- type codes
(binary_expression
  left: [(identifier) (member_expression)] @case.subject
  operator: ["===" "==" "!==" "!="]
  right: [(string) (number)] @case.literal)
(binary_expression
  left: [(string) (number)] @case.literal
  operator: ["===" "==" "!==" "!="]
  right: [(identifier) (member_expression)] @case.subject)
; an enum member: Kind.A, PARROT_TYPES.EUROPEAN
(binary_expression
  left: [(identifier) (member_expression)] @case.subject
  operator: ["===" "==" "!==" "!="]
  right: (member_expression object: (identifier) @_enum) @case.literal
  (#match? @_enum "^[A-Z]"))
(switch_statement
  value: (parenthesized_expression (_) @case.subject)
  body: (switch_body (switch_case value: [(string) (number) (member_expression)] @case.literal)))

; --- built collaborators: this.x = new Thing(...) in the constructor
(method_definition
  name: (property_identifier) @_c (#eq? @_c "constructor")
  body: (statement_block
    (expression_statement
      (assignment_expression
        left: (member_expression object: (this) property: (property_identifier) @built.field)
        right: (new_expression constructor: (identifier) @built.type))))
  (#not-match? @built.type "^(Map|Set|Array|Object|Date|WeakMap|WeakSet|Error|RegExp|URL)$"))

; --- coupling and cohesion
(call_expression function: [(identifier) @call (member_expression property: (property_identifier) @call)])
(new_expression constructor: (identifier) @call)
(member_expression object: (this) @member.object property: [(property_identifier) (private_property_identifier)] @member.name)
; through a parameter: a member only when the parameter has the method's own class as its type (structure.py)
(member_expression object: (identifier) @member.object property: (property_identifier) @member.name)

; --- names
(function_declaration name: (identifier) @name)
(class_declaration name: (_) @name)
(method_definition name: (_) @name)
(variable_declarator name: (identifier) @name)
(import_specifier name: (identifier) @name)
(import_specifier alias: (identifier) @name)
(import_clause (identifier) @name)
(namespace_import (identifier) @name)
(assignment_expression left: (member_expression object: (this) property: (property_identifier) @name))
