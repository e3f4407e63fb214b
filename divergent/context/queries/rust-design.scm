; Design structure of Rust code (see divergent/context/structure.py for the captures).

; --- extension points
(trait_item name: (type_identifier) @interface.name) @interface
(type_item name: (type_identifier) @callable.name type: (function_type))

; impl Trait for Type (the trait may be a path or generic)
(impl_item
  trait: [(type_identifier) @extends.base
          (scoped_type_identifier name: (type_identifier) @extends.base)
          (generic_type type: [(type_identifier) @extends.base (scoped_type_identifier name: (type_identifier) @extends.base)])]
  type: [(type_identifier) @extends.child (generic_type type: (type_identifier) @extends.child)])

; a static or const table of (key, function) pairs
(source_file
  [(static_item name: (identifier) @registry.name
                value: (reference_expression value: (array_expression) @registry.table))
   (const_item name: (identifier) @registry.name
               value: (reference_expression value: (array_expression) @registry.table))])
(array_expression (tuple_expression) @registry.entry)
(array_expression
  (tuple_expression (_) [(identifier) (scoped_identifier) (closure_expression)] .) @registry.handler)

; parameters of fn new in impl T, typed with a trait object, impl Trait, or a function type
(impl_item
  type: (type_identifier) @injected.owner
  body: (declaration_list
    (function_item
      name: (identifier) @_new (#eq? @_new "new")
      parameters: (parameters
        (parameter
          pattern: (identifier) @injected.name
          type: [(generic_type type_arguments: (type_arguments (dynamic_type trait: (_) @injected.type)))
                 (reference_type type: (dynamic_type trait: (_) @injected.type))
                 (abstract_type trait: (type_identifier) @injected.type)
                 (generic_type type_arguments: (type_arguments (dynamic_type trait: (function_type))))
                 (abstract_type trait: (function_type))
                 (function_type)] @injected.callable)))))
(impl_item
  type: (type_identifier) @injected.owner
  body: (declaration_list
    (function_item
      name: (identifier) @_new (#eq? @_new "new")
      parameters: (parameters
        (parameter
          pattern: (identifier) @injected.name
          type: [(generic_type type_arguments: (type_arguments (dynamic_type trait: (type_identifier) @injected.type)))
                 (reference_type type: (dynamic_type trait: (type_identifier) @injected.type))
                 (abstract_type trait: (type_identifier) @injected.type)])))))

; --- type codes
(binary_expression
  left: [(identifier) (field_expression)] @case.subject
  operator: ["==" "!="]
  right: [(string_literal) (integer_literal) (char_literal) (scoped_identifier)] @case.literal)
(match_expression
  value: (_) @case.subject
  body: (match_block
    (match_arm
      pattern: (match_pattern
        [(string_literal) (integer_literal) (char_literal) (scoped_identifier)] @case.literal))))

; --- built collaborators: T { field: Thing::new(...) } in fn new of impl T
(impl_item
  type: (type_identifier) @built.owner
  body: (declaration_list
    (function_item
      name: (identifier) @_new (#eq? @_new "new")
      body: (block
        (struct_expression
          body: (field_initializer_list
            (field_initializer
              field: (field_identifier) @built.field
              value: (call_expression function: (scoped_identifier path: (identifier) @built.type))))))))
  (#match? @built.type "^[A-Z]")
  (#not-match? @built.type "^(String|Vec|HashMap|HashSet|BTreeMap|BTreeSet|VecDeque|Box|Rc|Arc|RefCell|Cell|Mutex|RwLock|Some|Ok|Err|Default)$"))

; --- coupling and cohesion
(call_expression
  function: [(identifier) @call
             (scoped_identifier name: (identifier) @call)
             (field_expression field: (field_identifier) @call)]
  (#not-match? @call "^(Some|Ok|Err)$"))
(field_expression value: (self) @member.object field: (field_identifier) @member.name)

; --- names
(function_item name: (identifier) @name)
(function_signature_item name: (identifier) @name)
(struct_item name: (type_identifier) @name)
(enum_item name: (type_identifier) @name)
(trait_item name: (type_identifier) @name)
(type_item name: (type_identifier) @name)
(const_item name: (identifier) @name)
(static_item name: (identifier) @name)
(mod_item name: (identifier) @name)
(field_declaration name: (field_identifier) @name)
(enum_variant name: (identifier) @name)
(use_declaration argument: (identifier) @name)
(use_declaration argument: (scoped_identifier name: (identifier) @name))
(use_as_clause alias: (identifier) @name)
(use_list (identifier) @name)
(use_list (scoped_identifier name: (identifier) @name))
