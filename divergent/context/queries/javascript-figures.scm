; inherits: ecmascript
; Static figures of JavaScript code: the patterns its grammar alone knows.

(class_body (field_definition property: (property_identifier) @member))

; a function's own parameters
(function_declaration
  parameters: (formal_parameters [(identifier) (assignment_pattern) (object_pattern) (array_pattern) (rest_pattern)] @param))
(generator_function_declaration
  parameters: (formal_parameters [(identifier) (assignment_pattern) (object_pattern) (array_pattern) (rest_pattern)] @param))
(function_expression
  parameters: (formal_parameters [(identifier) (assignment_pattern) (object_pattern) (array_pattern) (rest_pattern)] @param))
(generator_function
  parameters: (formal_parameters [(identifier) (assignment_pattern) (object_pattern) (array_pattern) (rest_pattern)] @param))
(arrow_function
  parameters: (formal_parameters [(identifier) (assignment_pattern) (object_pattern) (array_pattern) (rest_pattern)] @param))
(method_definition
  parameters: (formal_parameters [(identifier) (assignment_pattern) (object_pattern) (array_pattern) (rest_pattern)] @param))
