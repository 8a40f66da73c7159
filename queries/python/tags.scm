; Python tags: definitions, references and imports for the workspace index.
; Capture names and rules: queries/README.md.

; --- definitions -------------------------------------------------------------------------------
(function_definition name: (identifier) @name.definition.function) @name.definition.function.extent
(decorated_definition
  definition: (function_definition name: (identifier) @name.definition.function)) @name.definition.function.extent
(class_definition name: (identifier) @name.definition.class) @name.definition.class.extent
(decorated_definition
  definition: (class_definition name: (identifier) @name.definition.class)) @name.definition.class.extent

; Module-level assignments; UPPER_CASE names are constants (after variables: last wins).
(module
  (expression_statement
    (assignment left: (identifier) @name.definition.variable)) @name.definition.variable.extent)
(module
  (expression_statement
    (assignment left: (identifier) @name.definition.constant)) @name.definition.constant.extent
  (#match? @name.definition.constant "^[A-Z][A-Z0-9_]*$"))
(module
  (type_alias_statement left: (type (identifier) @name.definition.type)) @name.definition.type.extent)

; Functions directly in a class body are methods (after the function patterns: last wins).
(class_definition
  body: (block
    (function_definition name: (identifier) @name.definition.method) @name.definition.method.extent))
(class_definition
  body: (block
    (decorated_definition
      definition: (function_definition name: (identifier) @name.definition.method)) @name.definition.method.extent))

; --- local scopes: what is defined inside is local to it (queries/README.md) -------------------
(function_definition body: (_) @local.scope)
(lambda body: (_) @local.scope)

; --- references --------------------------------------------------------------------------------
(call function: (identifier) @name.reference.call)
(call function: (attribute attribute: (identifier) @name.reference.call))
(type (identifier) @name.reference.type)
(type (attribute attribute: (identifier) @name.reference.type))
(generic_type (identifier) @name.reference.type)
(class_definition superclasses: (argument_list (identifier) @name.reference.implementation))
(class_definition
  superclasses: (argument_list (attribute attribute: (identifier) @name.reference.implementation)))

; --- imports -----------------------------------------------------------------------------------
; Modules (`import a.b`, `from .a import b`) and the names after `from … import`, which may be
; submodules (`from . import models`).
(import_statement name: (dotted_name) @name.reference.import)
(import_statement name: (aliased_import name: (dotted_name) @name.reference.import))
(import_from_statement module_name: (_) @name.reference.import)
(import_from_statement name: (dotted_name) @name.reference.import)
(import_from_statement name: (aliased_import name: (dotted_name) @name.reference.import))

; Names a `from … import` brings in.
(import_from_statement name: (dotted_name (identifier) @name.reference.imported))
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @name.reference.imported)))

; Whole import statements: what context shows of another file's imports.
(import_statement) @import.statement
(import_from_statement) @import.statement
