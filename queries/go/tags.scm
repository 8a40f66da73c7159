; Go tags: definitions, references and imports for the workspace index.
; Capture names and rules: queries/README.md.

; --- definitions -------------------------------------------------------------------------------
(function_declaration name: (identifier) @name.definition.function) @name.definition.function.extent
(method_declaration name: (field_identifier) @name.definition.method) @name.definition.method.extent
(type_spec name: (type_identifier) @name.definition.type) @name.definition.type.extent
(type_alias name: (type_identifier) @name.definition.type) @name.definition.type.extent
; Structs and interfaces (after plain types: last wins).
(type_spec name: (type_identifier) @name.definition.struct type: (struct_type)) @name.definition.struct.extent
(type_spec name: (type_identifier) @name.definition.interface type: (interface_type)) @name.definition.interface.extent
(const_spec name: (identifier) @name.definition.constant) @name.definition.constant.extent
(source_file
  (var_declaration (var_spec name: (identifier) @name.definition.variable) @name.definition.variable.extent))
(source_file
  (var_declaration
    (var_spec_list (var_spec name: (identifier) @name.definition.variable) @name.definition.variable.extent)))

; --- local scopes: what is defined inside is local to it (queries/README.md) -------------------
(function_declaration body: (_) @local.scope)
(method_declaration body: (_) @local.scope)
(func_literal body: (_) @local.scope)

; --- references --------------------------------------------------------------------------------
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (selector_expression field: (field_identifier) @name.reference.call))
; Generic calls `f[T](x)` and `pkg.F[T](x)` when parsed as index expressions.
(call_expression function: (index_expression operand: (identifier) @name.reference.call))
(call_expression
  function: (index_expression operand: (selector_expression field: (field_identifier) @name.reference.call)))
(type_identifier) @name.reference.type

; --- imports -----------------------------------------------------------------------------------
(import_spec path: (interpreted_string_literal (interpreted_string_literal_content) @name.reference.import))
(import_spec path: (raw_string_literal (raw_string_literal_content) @name.reference.import))
