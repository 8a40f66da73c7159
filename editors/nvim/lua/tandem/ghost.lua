-- Draws and clears the ghost text of one suggestion with extmarks.
local text = require("tandem.text")

local M = {}

--- Namespace of all tandem extmarks.
M.ns = vim.api.nvim_create_namespace("tandem_ghost")

--- Clears ghost text in `buf`.
function M.clear(buf)
  if buf and vim.api.nvim_buf_is_valid(buf) then
    vim.api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  end
end

--- Shows `s` at 0-based (row, col) of `buf`: the first line inline, the others as virtual lines.
function M.show(buf, row, col, s, hl)
  M.clear(buf)
  local lines = text.lines(s)
  local mark = { virt_text = { { lines[1], hl } }, virt_text_pos = "inline", hl_mode = "combine" }
  if #lines > 1 then
    mark.virt_lines = {}
    for i = 2, #lines do
      table.insert(mark.virt_lines, { { lines[i], hl } })
    end
  end
  vim.api.nvim_buf_set_extmark(buf, M.ns, row, col, mark)
end

return M
