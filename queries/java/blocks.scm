; Block structure for completion mode decisions (see server/src/syntax/mode.rs).
;   @block.open  a token that, at the end of a line, starts a body on the following lines
;   @block.body  a node whose lines share one indentation (its body)
;   @block.skip  a node whose text has no structure (comments, strings)

"{" @block.open
"(" @block.open
"[" @block.open
(switch_block_statement_group ":" @block.open)
(switch_rule "->" @block.open)

(block) @block.body
(class_body) @block.body
(interface_body) @block.body
(enum_body) @block.body
(constructor_body) @block.body
(annotation_type_body) @block.body
(switch_block) @block.body
(switch_block_statement_group) @block.body
(array_initializer) @block.body
(argument_list) @block.body
(formal_parameters) @block.body

(line_comment) @block.skip
(block_comment) @block.skip
(string_literal) @block.skip
(character_literal) @block.skip
