; Block structure for completion mode decisions (see server/src/syntax/mode.rs).
;   @block.open  a token that, at the end of a line, starts a body on the following lines
;   @block.body  a node whose lines share one indentation (its body)
;   @block.skip  a node whose text has no structure (comments, strings)

"{" @block.open
"(" @block.open
"[" @block.open
(expression_case ":" @block.open)
(default_case ":" @block.open)
(type_case ":" @block.open)
(communication_case ":" @block.open)

(block) @block.body
(expression_case) @block.body
(default_case) @block.body
(type_case) @block.body
(communication_case) @block.body
(field_declaration_list) @block.body
(interface_type) @block.body
(literal_value) @block.body
(argument_list) @block.body
(parameter_list) @block.body
(import_spec_list) @block.body
(const_declaration) @block.body
(var_declaration) @block.body

(comment) @block.skip
(interpreted_string_literal) @block.skip
(raw_string_literal) @block.skip
(rune_literal) @block.skip
