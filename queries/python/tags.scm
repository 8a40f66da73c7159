; Definitions and references, for context gathering.
(function_definition name: (identifier) @name.definition.function)
(class_definition name: (identifier) @name.definition.class)
(class_definition
  body: (block (function_definition name: (identifier) @name.definition.method)))
(assignment left: (identifier) @name.definition.variable)
(call function: (identifier) @name.reference.call)
(call function: (attribute attribute: (identifier) @name.reference.call))
(import_from_statement name: (dotted_name (identifier) @name.reference.import))
(import_statement name: (dotted_name (identifier) @name.reference.import))
