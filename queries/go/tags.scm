; Definitions and references, for context gathering.
(function_declaration name: (identifier) @name.definition.function)
(method_declaration name: (field_identifier) @name.definition.method)
(type_spec name: (type_identifier) @name.definition.type)
(type_spec name: (type_identifier) @name.definition.interface type: (interface_type))
(type_spec name: (type_identifier) @name.definition.class type: (struct_type))
(const_spec name: (identifier) @name.definition.constant)
(call_expression function: (identifier) @name.reference.call)
(call_expression function: (selector_expression field: (field_identifier) @name.reference.call))
(type_identifier) @name.reference.type
