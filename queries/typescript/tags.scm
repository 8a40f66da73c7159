; TypeScript tags (also used for TSX, so only node types both grammars share): definitions,
; references and imports for the workspace index.
; Capture names and rules: queries/README.md.

; --- definitions -------------------------------------------------------------------------------
(function_declaration name: (identifier) @name.definition.function) @name.definition.function.extent
(generator_function_declaration name: (identifier) @name.definition.function) @name.definition.function.extent
(function_signature name: (identifier) @name.definition.function) @name.definition.function.extent
(class_declaration name: (type_identifier) @name.definition.class) @name.definition.class.extent
(abstract_class_declaration name: (type_identifier) @name.definition.class) @name.definition.class.extent
(interface_declaration name: (type_identifier) @name.definition.interface) @name.definition.interface.extent
(type_alias_declaration name: (type_identifier) @name.definition.type) @name.definition.type.extent
(enum_declaration name: (identifier) @name.definition.enum) @name.definition.enum.extent
(internal_module name: (identifier) @name.definition.module) @name.definition.module.extent
(module name: (identifier) @name.definition.module) @name.definition.module.extent
(method_definition name: (property_identifier) @name.definition.method) @name.definition.method.extent
(method_signature name: (property_identifier) @name.definition.method) @name.definition.method.extent
(abstract_method_signature name: (property_identifier) @name.definition.method) @name.definition.method.extent

; Top-level `const`/`let`/`var` (also exported); `const` names are constants.
(program
  (lexical_declaration (variable_declarator name: (identifier) @name.definition.variable)) @name.definition.variable.extent)
(program
  (variable_declaration (variable_declarator name: (identifier) @name.definition.variable)) @name.definition.variable.extent)
(program
  (export_statement
    declaration: (lexical_declaration
      (variable_declarator name: (identifier) @name.definition.variable))) @name.definition.variable.extent)
(program
  (lexical_declaration
    kind: "const" (variable_declarator name: (identifier) @name.definition.constant)) @name.definition.constant.extent)
(program
  (export_statement
    declaration: (lexical_declaration
      kind: "const" (variable_declarator name: (identifier) @name.definition.constant))) @name.definition.constant.extent)

; Variables holding a function are functions, at any depth (after the variables: last wins).
(lexical_declaration
  (variable_declarator
    name: (identifier) @name.definition.function
    value: [(arrow_function) (function_expression) (generator_function)])) @name.definition.function.extent
(variable_declaration
  (variable_declarator
    name: (identifier) @name.definition.function
    value: [(arrow_function) (function_expression) (generator_function)])) @name.definition.function.extent

; --- local scopes: what is defined inside is local to it (queries/README.md) -------------------
(function_declaration body: (_) @local.scope)
(generator_function_declaration body: (_) @local.scope)
(function_expression body: (_) @local.scope)
(generator_function body: (_) @local.scope)
(arrow_function body: (_) @local.scope)
(method_definition body: (_) @local.scope)

; --- references --------------------------------------------------------------------------------
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (member_expression property: (property_identifier) @name.reference.call))
(new_expression constructor: (identifier) @name.reference.class)
(new_expression constructor: (member_expression property: (property_identifier) @name.reference.class))
(type_identifier) @name.reference.type
(extends_clause value: (identifier) @name.reference.implementation)
(extends_clause value: (member_expression property: (property_identifier) @name.reference.implementation))

; --- imports -----------------------------------------------------------------------------------
(import_statement source: (string (string_fragment) @name.reference.import))
(export_statement source: (string (string_fragment) @name.reference.import))
(import_require_clause source: (string (string_fragment) @name.reference.import))
(call_expression
  function: (identifier) @name.reference.call
  arguments: (arguments . (string (string_fragment) @name.reference.import))
  (#eq? @name.reference.call "require"))
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @name.reference.import)))

; Names an import brings in.
(import_specifier name: (identifier) @name.reference.imported)
(import_clause (identifier) @name.reference.imported)
(namespace_import (identifier) @name.reference.imported)

; Whole import statements: what context shows of another file's imports.
(import_statement) @import.statement
