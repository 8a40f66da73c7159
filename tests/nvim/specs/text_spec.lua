-- Pure helpers: word/line splitting, UTF-16 lengths, CR stripping, cursor end positions.
local H = dofile(vim.env.TANDEM_TEST_DIR .. "/helpers.lua")
local text = require("tandem.text")

local cases = {
  { "next_word plain", text.next_word("foo bar"), "foo" },
  { "next_word keeps leading blanks", text.next_word("  bar(x)"), "  bar" },
  { "next_word punctuation run", text.next_word("(x)"), "(" },
  { "next_word newline takes indentation", text.next_word("\n    return x"), "\n    " },
  { "next_word empty", text.next_word(""), "" },
  { "next_line stops after newline", text.next_line("a = 1\nb = 2"), "a = 1\n" },
  { "next_line without newline", text.next_line("a = 1"), "a = 1" },
  { "utf16_len ascii", text.utf16_len("abc"), 3 },
  { "utf16_len two-byte", text.utf16_len("é"), 1 },
  { "utf16_len astral is a surrogate pair", text.utf16_len("😀x"), 3 },
  { "clean strips CR", text.clean("a\r\nb\r"), "a\nb" },
}
for _, c in ipairs(cases) do
  H.check("text." .. c[1], c[2] == c[3], ("got %q, want %q"):format(tostring(c[2]), tostring(c[3])))
end
local row, col = text.end_position(3, 4, "ab")
H.check("text.end_position single line", row == 3 and col == 6, row .. "," .. col)
row, col = text.end_position(3, 4, "ab\ncde")
H.check("text.end_position multi line", row == 4 and col == 3, row .. "," .. col)
H.finish()
