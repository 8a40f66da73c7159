; Rust tags: definitions, references and imports for the workspace index.
; Capture names and rules: queries/README.md.

; --- definitions -------------------------------------------------------------------------------
(function_item name: (identifier) @name.definition.function) @name.definition.function.extent
(function_signature_item name: (identifier) @name.definition.function) @name.definition.function.extent
(struct_item name: (type_identifier) @name.definition.struct) @name.definition.struct.extent
(union_item name: (type_identifier) @name.definition.struct) @name.definition.struct.extent
(enum_item name: (type_identifier) @name.definition.enum) @name.definition.enum.extent
(type_item name: (type_identifier) @name.definition.type) @name.definition.type.extent
(trait_item name: (type_identifier) @name.definition.interface) @name.definition.interface.extent
(mod_item name: (identifier) @name.definition.module body: (_)) @name.definition.module.extent
(macro_definition name: (identifier) @name.definition.macro) @name.definition.macro.extent
(const_item name: (identifier) @name.definition.constant) @name.definition.constant.extent
(static_item name: (identifier) @name.definition.constant) @name.definition.constant.extent

; Functions inside `impl` and `trait` blocks are methods (after the function patterns: last wins).
(impl_item
  body: (declaration_list
    (function_item name: (identifier) @name.definition.method) @name.definition.method.extent))
(trait_item
  body: (declaration_list
    (function_item name: (identifier) @name.definition.method) @name.definition.method.extent))
(trait_item
  body: (declaration_list
    (function_signature_item name: (identifier) @name.definition.method) @name.definition.method.extent))

; --- local scopes: what is defined inside is local to it (queries/README.md) -------------------
(function_item body: (_) @local.scope)
(closure_expression body: (_) @local.scope)

; --- references --------------------------------------------------------------------------------
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (scoped_identifier name: (identifier) @name.reference.call))
(call_expression function: (field_expression field: (field_identifier) @name.reference.call))
(call_expression function: (generic_function function: (identifier) @name.reference.call))
(call_expression
  function: (generic_function function: (scoped_identifier name: (identifier) @name.reference.call)))
(call_expression
  function: (generic_function function: (field_expression field: (field_identifier) @name.reference.call)))
(macro_invocation macro: (identifier) @name.reference.call)
(type_identifier) @name.reference.type
(scoped_identifier path: (identifier) @name.reference.type)
(scoped_type_identifier path: (identifier) @name.reference.type)
(impl_item trait: (type_identifier) @name.reference.implementation)

; --- imports -----------------------------------------------------------------------------------
; Module paths a `use` names: `a::b::C`, `a::b::*`, the `a::b` of `a::b::{..}` and each item in
; braces (`{c, d::E}`), `extern crate x`, and `mod x;` (a module in another file).
(use_declaration argument: [(identifier) (scoped_identifier) (use_wildcard)] @name.reference.import)
(use_declaration argument: (use_as_clause path: (_) @name.reference.import))
(scoped_use_list path: (_) @name.reference.import)
(use_list [(identifier) (scoped_identifier)] @name.reference.import)
(use_list (use_as_clause path: (_) @name.reference.import))
(extern_crate_declaration name: (identifier) @name.reference.import)
(mod_item name: (identifier) @name.reference.import !body)

; Names a `use` brings in.
(use_declaration argument: (identifier) @name.reference.imported)
(use_declaration argument: (scoped_identifier name: (identifier) @name.reference.imported))
(use_as_clause path: (scoped_identifier name: (identifier) @name.reference.imported))
(use_list (identifier) @name.reference.imported)
(use_list (scoped_identifier name: (identifier) @name.reference.imported))

; Whole import statements: what context shows of another file's imports.
(use_declaration) @import.statement
