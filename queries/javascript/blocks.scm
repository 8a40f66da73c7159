; Block structure for completion mode decisions (see server/src/syntax/mode.rs).
;   @block.open  a token that, at the end of a line, starts a body on the following lines
;   @block.body  a node whose lines share one indentation (its body)
;   @block.skip  a node whose text has no structure (comments, strings)

"{" @block.open
"(" @block.open
"[" @block.open
(arrow_function "=>" @block.open)
(switch_case ":" @block.open)
(switch_default ":" @block.open)

(statement_block) @block.body
(class_body) @block.body
(switch_body) @block.body
(switch_case) @block.body
(switch_default) @block.body
(object) @block.body
(object_pattern) @block.body
(array) @block.body
(arguments) @block.body
(formal_parameters) @block.body
(named_imports) @block.body
(export_clause) @block.body

(comment) @block.skip
(string) @block.skip
(template_string) @block.skip
(regex) @block.skip
