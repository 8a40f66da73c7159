; C tags: definitions, references and includes for the workspace index.
; Capture names and rules: queries/README.md.

; --- definitions -------------------------------------------------------------------------------
; Function definitions, also returning pointers (`int *f(void)`, `char **f(void)`).
(function_definition
  declarator: (function_declarator declarator: (identifier) @name.definition.function)) @name.definition.function.extent
(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator declarator: (identifier) @name.definition.function))) @name.definition.function.extent
(function_definition
  declarator: (pointer_declarator
    declarator: (pointer_declarator
      declarator: (function_declarator declarator: (identifier) @name.definition.function)))) @name.definition.function.extent
; Prototypes (headers).
(declaration
  declarator: (function_declarator declarator: (identifier) @name.definition.function)) @name.definition.function.extent
(declaration
  declarator: (pointer_declarator
    declarator: (function_declarator declarator: (identifier) @name.definition.function))) @name.definition.function.extent
(struct_specifier name: (type_identifier) @name.definition.struct body: (_)) @name.definition.struct.extent
(union_specifier name: (type_identifier) @name.definition.struct body: (_)) @name.definition.struct.extent
(enum_specifier name: (type_identifier) @name.definition.enum body: (_)) @name.definition.enum.extent
(type_definition declarator: (type_identifier) @name.definition.type) @name.definition.type.extent
(type_definition
  declarator: (pointer_declarator declarator: (type_identifier) @name.definition.type)) @name.definition.type.extent
; Function pointer types: `typedef int (*callback)(int);`
(type_definition
  declarator: (function_declarator
    declarator: (parenthesized_declarator
      (pointer_declarator declarator: (type_identifier) @name.definition.type)))) @name.definition.type.extent
(preproc_function_def name: (identifier) @name.definition.macro) @name.definition.macro.extent
(preproc_def name: (identifier) @name.definition.constant) @name.definition.constant.extent
(enumerator name: (identifier) @name.definition.constant) @name.definition.constant.extent
; File-scope variables.
(translation_unit
  (declaration declarator: (init_declarator declarator: (identifier) @name.definition.variable)) @name.definition.variable.extent)
(translation_unit
  (declaration
    declarator: (init_declarator
      declarator: (pointer_declarator declarator: (identifier) @name.definition.variable))) @name.definition.variable.extent)
(translation_unit
  (declaration declarator: (identifier) @name.definition.variable) @name.definition.variable.extent)
; `const` ones are constants (after the variables: last wins).
(translation_unit
  (declaration
    (type_qualifier)
    declarator: (init_declarator declarator: (identifier) @name.definition.constant)) @name.definition.constant.extent)

; --- local scopes: what is defined inside is local to it (queries/README.md) -------------------
(function_definition body: (_) @local.scope)

; --- references --------------------------------------------------------------------------------
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (field_expression field: (field_identifier) @name.reference.call))
(type_identifier) @name.reference.type

; --- imports -----------------------------------------------------------------------------------
(preproc_include path: (string_literal (string_content) @name.reference.import))
(preproc_include path: (system_lib_string) @name.reference.import)
