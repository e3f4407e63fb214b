; Design structure of Python code (see divergent/context/structure.py for the captures).

; --- extension points
(class_definition
  name: (identifier) @interface.name
  superclasses: (argument_list
    [(identifier) @_base
     (attribute attribute: (identifier) @_base)
     (subscript value: (identifier) @_base)
     (keyword_argument value: (identifier) @_base)])
  (#any-of? @_base "Protocol" "ABC" "ABCMeta")) @interface

(module
  (expression_statement
    (assignment
      left: (identifier) @registry.name
      right: (dictionary) @registry.table)))
(dictionary (pair) @registry.entry)
(dictionary (pair value: [(identifier) (attribute) (lambda)]) @registry.handler)

; class Child(Base): / class Child(module.Base): / class Child(Base[T]):
(class_definition
  name: (identifier) @extends.child
  superclasses: (argument_list
    [(identifier) @extends.base
     (attribute attribute: (identifier) @extends.base)
     (subscript value: (identifier) @extends.base)]))

; self.x = x if x is not None else Default()  /  self.x = x or Default()
(function_definition
  name: (identifier) @_init (#eq? @_init "__init__")
  body: (block
    (expression_statement
      (assignment
        left: (attribute object: (identifier) attribute: (identifier) @injected.name)
        right: [(conditional_expression (identifier) @injected.param)
                (boolean_operator (identifier) @injected.param)]))))
; def __init__(self, renderer: Renderer)
(function_definition
  name: (identifier) @_init (#eq? @_init "__init__")
  parameters: (parameters
    [(typed_parameter (identifier) @injected.name type: (type) @injected.type)
     (typed_default_parameter name: (identifier) @injected.name type: (type) @injected.type)]))
(function_definition
  name: (identifier) @_init (#eq? @_init "__init__")
  parameters: (parameters
    [(identifier) @param.name
     (default_parameter name: (identifier) @param.name)
     (typed_parameter (identifier) @param.name)
     (typed_default_parameter name: (identifier) @param.name)]))

; --- type codes: equality or inequality with a literal or an enum member (Kind.A)
(comparison_operator
  [(identifier) (attribute)] @case.subject
  ["==" "!="]
  [(string) (integer)] @case.literal)
(comparison_operator
  [(string) (integer)] @case.literal
  ["==" "!="]
  [(identifier) (attribute)] @case.subject)
(comparison_operator
  [(identifier) (attribute)] @case.subject
  ["==" "!=" "is"]
  (attribute object: (identifier) @_enum) @case.literal
  (#match? @_enum "^[A-Z]"))
(comparison_operator
  [(identifier) (attribute)] @case.subject
  "in"
  [(tuple [(string) (integer)] @case.literal)
   (list [(string) (integer)] @case.literal)
   (set [(string) (integer)] @case.literal)])
(match_statement
  subject: (_) @case.subject
  body: (block
    (case_clause
      (case_pattern
        [(string) (integer) (dotted_name (identifier) (identifier))] @case.literal))))

; --- built collaborators: self.x = Thing(...) / self.x = module.make(...), at the top of __init__
(function_definition
  name: (identifier) @_init (#eq? @_init "__init__")
  body: (block
    (expression_statement
      (assignment
        left: (attribute object: (identifier) attribute: (identifier) @built.field)
        right: (call function: (identifier) @built.type)))
  (#match? @built.type "^[A-Z]")
  (#not-match? @built.type "^(Exception|ValueError|TypeError|KeyError|RuntimeError)$")))
(function_definition
  name: (identifier) @_init (#eq? @_init "__init__")
  body: (block
    (expression_statement
      (assignment
        left: (attribute object: (identifier) attribute: (identifier) @built.field)
        right: (call function: (attribute
                                 object: (identifier) @built.module
                                 attribute: (identifier) @built.type))))))
(module (import_statement name: (dotted_name . (identifier) @import)))
(module (import_statement name: (aliased_import alias: (identifier) @import)))

; --- coupling and cohesion
(call function: [(identifier) @call (attribute attribute: (identifier) @call)])
(attribute object: (identifier) @member.object attribute: (identifier) @member.name)
(class_definition body: (block (function_definition parameters: (parameters . (identifier) @receiver))))
(class_definition body: (block (decorated_definition
  definition: (function_definition parameters: (parameters . (identifier) @receiver)))))

; --- names
(function_definition name: (identifier) @name)
(class_definition name: (identifier) @name)
(assignment left: (identifier) @name)
(assignment left: (attribute attribute: (identifier) @name))
(import_statement name: (dotted_name (identifier) @name))
(import_statement name: (aliased_import alias: (identifier) @name))
(import_from_statement name: (dotted_name (identifier) @name))
(import_from_statement name: (aliased_import alias: (identifier) @name))
