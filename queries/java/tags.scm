; Java tags: definitions, references and imports for the workspace index.
; Capture names and rules: queries/README.md.

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

; --- local scopes: what is defined inside is local to it (queries/README.md) -------------------
(method_declaration body: (_) @local.scope)
(constructor_declaration body: (_) @local.scope)
(lambda_expression body: (_) @local.scope)

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

; Whole import statements: what context shows of another file's imports.
(import_declaration) @import.statement
