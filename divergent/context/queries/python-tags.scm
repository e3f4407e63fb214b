; Uses of a name that the wheel's TAGS_QUERY (calls and definitions) misses: a caller
; also reads attributes, imports names, subclasses, annotates and decorates. (A name
; passed as a plain value is not counted: locals would drown the rest.)

(attribute
  attribute: (identifier) @name) @reference.attribute

(import_from_statement
  name: (dotted_name (identifier) @name .)) @reference.import

(import_from_statement
  name: (aliased_import name: (dotted_name (identifier) @name .))) @reference.import

(class_definition
  superclasses: (argument_list (identifier) @name)) @reference.class

(type (identifier) @name) @reference.type

(decorator (identifier) @name) @reference.call
