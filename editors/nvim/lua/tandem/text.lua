-- Pure text helpers for ghost text and partial accepts (no editor state; unit tested).
local M = {}

--- Removes carriage returns a model may emit in CRLF files; they would show as ^M.
function M.clean(s)
  return (s:gsub("\r", ""))
end

--- Number of UTF-16 code units in a UTF-8 string (what LSP lengths count).
function M.utf16_len(s)
  local n = 0
  for i = 1, #s do
    local b = s:byte(i)
    if b < 0x80 or b >= 0xC0 then
      -- Lead byte: 4-byte sequences are outside the BMP and take a surrogate pair.
      n = n + ((b >= 0xF0) and 2 or 1)
    end
  end
  return n
end

--- The next word of `s`: leading blanks plus one run of word characters or of punctuation.
--- A leading newline is taken with the indentation after it.
function M.next_word(s)
  if s == "" then
    return ""
  end
  local nl = s:match("^\n[ \t]*")
  if nl then
    return nl
  end
  return s:match("^[ \t]*[%w_\128-\255]+") or s:match("^[ \t]*[^%w_%s\128-\255]+") or s:match("^[ \t]+") or s:sub(1, 1)
end

--- The rest of the current line of `s`, including its newline when there is one.
function M.next_line(s)
  local nl = s:find("\n", 1, true)
  if nl then
    return s:sub(1, nl)
  end
  return s
end

--- Splits `s` into lines for nvim_buf_set_text / virt_lines.
function M.lines(s)
  return vim.split(s, "\n", { plain = true })
end

--- Where the cursor ends after inserting `s` at 0-based (row, col): returns row, col (0-based, bytes).
function M.end_position(row, col, s)
  local lines = M.lines(s)
  if #lines == 1 then
    return row, col + #lines[1]
  end
  return row + #lines - 1, #lines[#lines]
end

return M
