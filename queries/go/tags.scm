; Go tags: definitions, references and imports for the workspace index.
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
