; Block structure for completion mode decisions (see server/src/syntax/mode.rs).
;   @block.open  a token that, at the end of a line, starts a body on the following lines
;   @block.body  a node whose lines share one indentation (its body)
;   @block.skip  a node whose text has no structure (comments, strings)

(function_definition ":" @block.open)
(class_definition ":" @block.open)
(if_statement ":" @block.open)
(elif_clause ":" @block.open)
(else_clause ":" @block.open)
(for_statement ":" @block.open)
(while_statement ":" @block.open)
(try_statement ":" @block.open)
(except_clause ":" @block.open)
(finally_clause ":" @block.open)
(with_statement ":" @block.open)
(match_statement ":" @block.open)
(case_clause ":" @block.open)

(argument_list "(" @block.open)
(parameters "(" @block.open)
(parenthesized_expression "(" @block.open)
(tuple "(" @block.open)
(list "[" @block.open)
(list_comprehension "[" @block.open)
(dictionary "{" @block.open)
(set "{" @block.open)
(dictionary_comprehension "{" @block.open)

(block) @block.body
(argument_list) @block.body
(parameters) @block.body
(list) @block.body
(dictionary) @block.body
(set) @block.body
(tuple) @block.body

(comment) @block.skip
(string) @block.skip
