; Java tags: definitions, references and imports for the workspace index.
; Conventions (the same in every language; read by server/src/index/extract.rs, never by Rust
; code that knows this language):
;   @name.definition.<kind>         a defined name; <kind> (function, method, class, struct, enum,
;                                   interface, type, module, macro, constant, variable) is reported
;                                   as the definition's kind.
;   @name.definition.<kind>.extent  the whole definition node, in the same pattern as the name; its
;                                   lines are the definition's line range.
;   @name.reference.import          an import's module, file or header specifier as written (quotes
;                                   are stripped); the index resolves it to workspace files.
;   @name.reference.<kind>          any other name the file uses (call, type, class,
;                                   implementation, imported = a name an import brings in).
; When several patterns define the same name node, the pattern written LAST wins, so specific
; patterns (methods) come after general ones (functions). A reference on a definition's own name
; node is dropped.

; --- definitions -------------------------------------------------------------------------------
(class_declaration name: (identifier) @name.definition.class) @name.definition.class.extent
(record_declaration name: (identifier) @name.definition.class) @name.definition.class.extent
(enum_declaration name: (identifier) @name.definition.enum) @name.definition.enum.extent
(interface_declaration name: (identifier) @name.definition.interface) @name.definition.interface.extent
(annotation_type_declaration name: (identifier) @name.definition.interface) @name.definition.interface.extent
(method_declaration name: (identifier) @name.definition.method) @name.definition.method.extent
(constructor_declaration name: (identifier) @name.definition.method) @name.definition.method.extent
(enum_constant name: (identifier) @name.definition.constant) @name.definition.constant.extent
; `static final` fields and interface fields are constants.
(field_declaration
  (modifiers "static" "final")
  declarator: (variable_declarator name: (identifier) @name.definition.constant)) @name.definition.constant.extent
(constant_declaration
  declarator: (variable_declarator name: (identifier) @name.definition.constant)) @name.definition.constant.extent

; --- references --------------------------------------------------------------------------------
(method_invocation name: (identifier) @name.reference.call)
(object_creation_expression type: (type_identifier) @name.reference.class)
(object_creation_expression type: (generic_type (type_identifier) @name.reference.class))
(type_identifier) @name.reference.type
(superclass (type_identifier) @name.reference.implementation)
(super_interfaces (type_list (type_identifier) @name.reference.implementation))

; --- imports -----------------------------------------------------------------------------------
(import_declaration (scoped_identifier) @name.reference.import)
(import_declaration (identifier) @name.reference.import)

; Names an import brings in (`import a.b.Name;`).
(import_declaration (scoped_identifier name: (identifier) @name.reference.imported))
