; Design structure of Java code (see divergent/context/structure.py for the captures).

; --- extension points
(interface_declaration name: (identifier) @interface.name) @interface
(class_declaration (modifiers "abstract") name: (identifier) @interface.name) @interface

; class Child extends Base implements I, J<T>; enum E implements I
(class_declaration
  name: (identifier) @extends.child
  superclass: (superclass [(type_identifier) @extends.base (generic_type (type_identifier) @extends.base)]))
([(class_declaration name: (identifier) @extends.child
    interfaces: (super_interfaces (type_list [(type_identifier) @extends.base (generic_type (type_identifier) @extends.base)])))
  (enum_declaration name: (identifier) @extends.child
    interfaces: (super_interfaces (type_list [(type_identifier) @extends.base (generic_type (type_identifier) @extends.base)])))])

; a Map.of(...) / Map.ofEntries(...) field of lambdas and method references
(field_declaration
  declarator: (variable_declarator
    name: (identifier) @registry.name
    value: (method_invocation
      object: (identifier) @_map (#eq? @_map "Map")
      name: (identifier) @_of (#eq? @_of "of")
      arguments: (argument_list) @registry.table)))
(argument_list [(lambda_expression) (method_reference)] @registry.entry)
(argument_list [(lambda_expression) (method_reference)] @registry.handler)

; constructor parameters typed with an interface, or a functional interface of java.util.function
(constructor_declaration
  parameters: (formal_parameters
    (formal_parameter
      type: [(type_identifier) (generic_type)] @injected.type
      name: (identifier) @injected.name)))
(constructor_declaration
  parameters: (formal_parameters
    (formal_parameter
      type: [(type_identifier) @_t (generic_type (type_identifier) @_t)] @injected.callable
      name: (identifier) @injected.name))
  (#any-of? @_t "Function" "BiFunction" "Supplier" "Consumer" "BiConsumer" "Predicate" "BiPredicate"
                "UnaryOperator" "BinaryOperator" "Runnable" "Callable"))

; --- type codes
(method_invocation
  object: [(identifier) (field_access)] @case.subject
  name: (identifier) @_eq (#any-of? @_eq "equals" "equalsIgnoreCase")
  arguments: (argument_list . (string_literal) @case.literal .))
(method_invocation
  object: (string_literal) @case.literal
  name: (identifier) @_eq (#any-of? @_eq "equals" "equalsIgnoreCase")
  arguments: (argument_list . [(identifier) (field_access)] @case.subject .))
(binary_expression
  left: [(identifier) (field_access)] @case.subject
  operator: ["==" "!="]
  right: [(decimal_integer_literal) (character_literal) (string_literal)] @case.literal)
; an enum member or constant: Type.EUROPEAN
(binary_expression
  left: [(identifier) (field_access)] @case.subject
  operator: ["==" "!="]
  right: (field_access object: (identifier) @_enum) @case.literal
  (#match? @_enum "^[A-Z]"))
(switch_expression
  condition: (parenthesized_expression (_) @case.subject)
  body: (switch_block
    [(switch_block_statement_group (switch_label (_) @case.literal))
     (switch_rule (switch_label (_) @case.literal))]))

; --- built collaborators: this.x = new Thing(...) in a constructor, or a field initialised so
(constructor_declaration
  body: (constructor_body
    (expression_statement
      (assignment_expression
        left: [(field_access object: (this) field: (identifier) @built.field) (identifier) @built.field]
        right: (object_creation_expression type: [(type_identifier) @built.type
                                                  (generic_type (type_identifier) @built.type)]))))
  (#not-match? @built.type "^(ArrayList|LinkedList|HashMap|TreeMap|LinkedHashMap|HashSet|TreeSet|LinkedHashSet|ArrayDeque|StringBuilder|String|Object|AtomicInteger|AtomicLong|ConcurrentHashMap)$"))
(class_body
  (field_declaration
    declarator: (variable_declarator
      name: (identifier) @built.field
      value: (object_creation_expression type: [(type_identifier) @built.type
                                               (generic_type (type_identifier) @built.type)])))
  (#not-match? @built.type "^(ArrayList|LinkedList|HashMap|TreeMap|LinkedHashMap|HashSet|TreeSet|LinkedHashSet|ArrayDeque|StringBuilder|String|Object|AtomicInteger|AtomicLong|ConcurrentHashMap)$"))

; --- coupling and cohesion
(method_invocation name: (identifier) @call)
(object_creation_expression type: [(type_identifier) @call (generic_type (type_identifier) @call)])
(field_access object: (this) @member.object field: (identifier) @member.name)
(method_invocation object: (this) @member.object name: (identifier) @member.name)
(method_invocation object: (identifier) @member.object name: (identifier) @member.name)
(field_access object: (identifier) @member.object field: (identifier) @member.name)
(identifier) @member.bare
(field_access field: (identifier) @member.dotted)
(method_invocation object: (_) name: (identifier) @member.dotted)
(field_declaration declarator: (variable_declarator name: (identifier) @field))

; --- names
(class_declaration name: (identifier) @name)
(interface_declaration name: (identifier) @name)
(enum_declaration name: (identifier) @name)
(record_declaration name: (identifier) @name)
(method_declaration name: (identifier) @name)
(constructor_declaration name: (identifier) @name)
(field_declaration declarator: (variable_declarator name: (identifier) @name))
(constant_declaration declarator: (variable_declarator name: (identifier) @name))
(enum_constant name: (identifier) @name)
