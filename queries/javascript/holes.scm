; Hole candidates for `tandem eval holes` (see server/src/eval/holes.rs).
;   @hole.statement  one statement or member: a `line` hole when it fits on one line, and the line
;                    where it starts may hold a `line-rest` hole
;   @hole.block      a body: runs of its @hole.statement children spanning 2-5 lines are `block` holes
;   @hole.skip       text without code structure (comments, strings): never the whole of a hole

(program (_) @hole.statement)
(statement_block (_) @hole.statement) @hole.block
(switch_case body: (_) @hole.statement) @hole.block
(class_body (_) @hole.statement)

(comment) @hole.skip
(string) @hole.skip
(template_string) @hole.skip
