; Hole candidates for `tandem eval holes` (see server/src/eval/holes.rs).
;   @hole.statement  one statement or member: a `line` hole when it fits on one line, and the line
;                    where it starts may hold a `line-rest` hole
;   @hole.block      a body: runs of its @hole.statement children spanning 2-5 lines are `block` holes
;   @hole.skip       text without code structure (comments, strings): never the whole of a hole

(source_file (_) @hole.statement)
(block (_) @hole.statement) @hole.block
(match_block (_) @hole.statement) @hole.block
(declaration_list (_) @hole.statement)
(field_declaration_list (_) @hole.statement)
(enum_variant_list (_) @hole.statement)

(line_comment) @hole.skip
(block_comment) @hole.skip
(string_literal) @hole.skip
(raw_string_literal) @hole.skip
