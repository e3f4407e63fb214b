; inherits: ecmascript
; Design structure of TypeScript code: the patterns its grammar alone knows
; (tsx-design.scm inherits them).

(interface_declaration name: (type_identifier) @interface.name) @interface
(abstract_class_declaration name: (type_identifier) @interface.name) @interface
(type_alias_declaration name: (type_identifier) @callable.name value: (function_type))

; class Child extends Base implements I, J<T>
([(class_declaration name: (type_identifier) @extends.child
    (class_heritage (extends_clause value: [(identifier) @extends.base
                                            (member_expression property: (property_identifier) @extends.base)])))
  (abstract_class_declaration name: (type_identifier) @extends.child
    (class_heritage (extends_clause value: [(identifier) @extends.base
                                            (member_expression property: (property_identifier) @extends.base)])))])
([(class_declaration name: (type_identifier) @extends.child
    (class_heritage (implements_clause [(type_identifier) @extends.base (generic_type name: (type_identifier) @extends.base)])))
  (abstract_class_declaration name: (type_identifier) @extends.child
    (class_heritage (implements_clause [(type_identifier) @extends.base (generic_type name: (type_identifier) @extends.base)])))])

; constructor parameters typed with an interface or a function type, or with a default
(method_definition
  name: (property_identifier) @_c (#eq? @_c "constructor")
  parameters: (formal_parameters
    [(required_parameter
       pattern: (identifier) @injected.name
       type: (type_annotation [(type_identifier) (generic_type)] @injected.type))
     (optional_parameter
       pattern: (identifier) @injected.name
       type: (type_annotation [(type_identifier) (generic_type)] @injected.type))]))
(method_definition
  name: (property_identifier) @_c (#eq? @_c "constructor")
  parameters: (formal_parameters
    [(required_parameter pattern: (identifier) @injected.name type: (type_annotation (function_type) @injected.callable))
     (optional_parameter pattern: (identifier) @injected.name type: (type_annotation (function_type) @injected.callable))
     (required_parameter pattern: (identifier) @injected.name value: (_))
     (optional_parameter pattern: (identifier) @injected.name value: (_))]))

(class_body
  (public_field_definition
    name: (property_identifier) @built.field
    value: (new_expression constructor: (identifier) @built.type))
  (#not-match? @built.type "^(Map|Set|Array|Object|Date|WeakMap|WeakSet|Error|RegExp|URL)$"))

(interface_declaration name: (type_identifier) @name)
(abstract_class_declaration name: (type_identifier) @name)
(type_alias_declaration name: (type_identifier) @name)
(enum_declaration name: (identifier) @name)
(public_field_definition name: (property_identifier) @name)
(method_signature name: (property_identifier) @name)
(property_signature name: (property_identifier) @name)
