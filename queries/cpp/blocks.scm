; Block structure for completion mode decisions (see server/src/syntax/mode.rs).
;   @block.open  a token that, at the end of a line, starts a body on the following lines
;   @block.body  a node whose lines share one indentation (its body)
;   @block.skip  a node whose text has no structure (comments, strings)

"{" @block.open
"(" @block.open
"[" @block.open
(case_statement ":" @block.open)

(compound_statement) @block.body
(case_statement) @block.body
(field_declaration_list) @block.body
(declaration_list) @block.body
(enumerator_list) @block.body
(initializer_list) @block.body
(argument_list) @block.body
(parameter_list) @block.body

(comment) @block.skip
(string_literal) @block.skip
(raw_string_literal) @block.skip
(char_literal) @block.skip
(system_lib_string) @block.skip
