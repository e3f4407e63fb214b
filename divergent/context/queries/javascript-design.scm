; inherits: ecmascript
; Design structure of JavaScript code: the patterns its grammar alone knows.

; class Child extends Base / extends module.Base
(class_declaration
  name: (identifier) @extends.child
  (class_heritage [(identifier) @extends.base (member_expression property: (property_identifier) @extends.base)]))

(class_body (field_definition property: (property_identifier) @name))
(class_body
  (field_definition
    property: (property_identifier) @built.field
    value: (new_expression constructor: (identifier) @built.type))
  (#not-match? @built.type "^(Map|Set|Array|Object|Date|WeakMap|WeakSet|Error|RegExp|URL)$"))

; a constructor parameter with a default is one a caller may replace
(method_definition
  name: (property_identifier) @_c (#eq? @_c "constructor")
  parameters: (formal_parameters (assignment_pattern left: (identifier) @injected.name)))

