; Block structure for completion mode decisions (see server/src/syntax/mode.rs).
;   @block.open  a token that, at the end of a line, starts a body on the following lines
;   @block.body  a node whose lines share one indentation (its body)
;   @block.skip  a node whose text has no structure (comments, strings)

"{" @block.open
"(" @block.open
"[" @block.open
(match_arm "=>" @block.open)

(block) @block.body
(declaration_list) @block.body
(field_declaration_list) @block.body
(ordered_field_declaration_list) @block.body
(enum_variant_list) @block.body
(match_block) @block.body
(field_initializer_list) @block.body
(use_list) @block.body
(arguments) @block.body
(parameters) @block.body
(array_expression) @block.body
(tuple_expression) @block.body
(token_tree) @block.body

(line_comment) @block.skip
(block_comment) @block.skip
(string_literal) @block.skip
(raw_string_literal) @block.skip
(char_literal) @block.skip
