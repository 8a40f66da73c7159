; C++ tags: definitions, references and includes for the workspace index.
; Capture names and rules: queries/README.md.

; --- definitions -------------------------------------------------------------------------------
; Free functions, also returning pointers or references.
(function_definition
  declarator: (function_declarator declarator: (identifier) @name.definition.function)) @name.definition.function.extent
(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator declarator: (identifier) @name.definition.function))) @name.definition.function.extent
(function_definition
  declarator: (reference_declarator
    (function_declarator declarator: (identifier) @name.definition.function))) @name.definition.function.extent
(declaration
  declarator: (function_declarator declarator: (identifier) @name.definition.function)) @name.definition.function.extent
; Methods: defined inside a class body, or outside it as `Type::name` (also `ns::Type::name`).
(function_definition
  declarator: (function_declarator declarator: (field_identifier) @name.definition.method)) @name.definition.method.extent
(field_declaration
  declarator: (function_declarator declarator: (field_identifier) @name.definition.method)) @name.definition.method.extent
(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier name: (identifier) @name.definition.method))) @name.definition.method.extent
(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier
      name: (qualified_identifier name: (identifier) @name.definition.method)))) @name.definition.method.extent
(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator
      declarator: (qualified_identifier name: (identifier) @name.definition.method)))) @name.definition.method.extent
(function_definition
  declarator: (reference_declarator
    (function_declarator
      declarator: (qualified_identifier name: (identifier) @name.definition.method)))) @name.definition.method.extent
(class_specifier name: (type_identifier) @name.definition.class body: (_)) @name.definition.class.extent
(struct_specifier name: (type_identifier) @name.definition.struct body: (_)) @name.definition.struct.extent
(union_specifier name: (type_identifier) @name.definition.struct body: (_)) @name.definition.struct.extent
(enum_specifier name: (type_identifier) @name.definition.enum body: (_)) @name.definition.enum.extent
(namespace_definition name: (namespace_identifier) @name.definition.module) @name.definition.module.extent
(type_definition declarator: (type_identifier) @name.definition.type) @name.definition.type.extent
(alias_declaration name: (type_identifier) @name.definition.type) @name.definition.type.extent
(concept_definition name: (identifier) @name.definition.type) @name.definition.type.extent
(preproc_function_def name: (identifier) @name.definition.macro) @name.definition.macro.extent
(preproc_def name: (identifier) @name.definition.constant) @name.definition.constant.extent
(enumerator name: (identifier) @name.definition.constant) @name.definition.constant.extent
; Namespace- and file-scope variables.
(translation_unit
  (declaration declarator: (init_declarator declarator: (identifier) @name.definition.variable)) @name.definition.variable.extent)
(declaration_list
  (declaration declarator: (init_declarator declarator: (identifier) @name.definition.variable)) @name.definition.variable.extent)
; `const` ones are constants (after the variables: last wins).
(translation_unit
  (declaration
    (type_qualifier)
    declarator: (init_declarator declarator: (identifier) @name.definition.constant)) @name.definition.constant.extent)
(declaration_list
  (declaration
    (type_qualifier)
    declarator: (init_declarator declarator: (identifier) @name.definition.constant)) @name.definition.constant.extent)
; Constructors declared in a class body are methods (after the prototypes: last wins).
(field_declaration_list
  (declaration
    declarator: (function_declarator declarator: (identifier) @name.definition.method)) @name.definition.method.extent)

; --- local scopes: what is defined inside is local to it (queries/README.md) -------------------
(function_definition body: (_) @local.scope)
(lambda_expression body: (_) @local.scope)

; --- references --------------------------------------------------------------------------------
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (qualified_identifier name: (identifier) @name.reference.call))
(call_expression function: (field_expression field: (field_identifier) @name.reference.call))
(call_expression function: (template_function name: (identifier) @name.reference.call))
(call_expression
  function: (qualified_identifier name: (template_function name: (identifier) @name.reference.call)))
(type_identifier) @name.reference.type
(base_class_clause (type_identifier) @name.reference.implementation)
(base_class_clause (qualified_identifier name: (type_identifier) @name.reference.implementation))

; --- imports -----------------------------------------------------------------------------------
(preproc_include path: (string_literal (string_content) @name.reference.import))
(preproc_include path: (system_lib_string) @name.reference.import)
