-- Minimal tandem setup for Neovim 0.11: starts `tandem` for every buffer, asks for an inline
-- completion after each pause in insert mode, shows it as ghost text, and accepts it with <C-l>.
-- The full plugin (partial accept, cycling, status) lives in editors/nvim/ once it exists.

local ns = vim.api.nvim_create_namespace("tandem_ghost")
local state = { item = nil, buf = nil, row = nil, col = nil, timer = nil }

vim.lsp.config("tandem", {
  cmd = { vim.env.TANDEM_BIN or "tandem", "serve" },
  root_markers = { ".git", "tandem.toml" },
})
vim.lsp.enable("tandem")

local function clear()
  if state.buf and vim.api.nvim_buf_is_valid(state.buf) then
    vim.api.nvim_buf_clear_namespace(state.buf, ns, 0, -1)
  end
  state.item = nil
end

local function show(buf, row, col, item)
  clear()
  local lines = vim.split(item.insertText, "\n", { plain = true })
  local extmark = { virt_text = { { lines[1], "Comment" } }, virt_text_pos = "inline" }
  if #lines > 1 then
    extmark.virt_lines = vim.tbl_map(function(l) return { { l, "Comment" } } end, vim.list_slice(lines, 2))
  end
  vim.api.nvim_buf_set_extmark(buf, ns, row, col, extmark)
  state.item, state.buf, state.row, state.col = item, buf, row, col
end

local function request()
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = buf, name = "tandem" })[1]
  if not client then return end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.context = { triggerKind = 2 }
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  client:request("textDocument/inlineCompletion", params, function(err, result)
    if err or not result then return end
    local items = result.items or result
    local now_row, now_col = unpack(vim.api.nvim_win_get_cursor(0))
    if items[1] and vim.fn.mode() == "i" and now_row == row and now_col == col then
      show(buf, row - 1, col, items[1])
    end
  end, buf)
end

vim.api.nvim_create_autocmd({ "TextChangedI", "CursorMovedI" }, {
  callback = function()
    clear()
    if state.timer then state.timer:stop() end
    state.timer = vim.defer_fn(request, 80)
  end,
})
vim.api.nvim_create_autocmd("InsertLeave", { callback = clear })

vim.keymap.set("i", "<C-l>", function()
  local item = state.item
  if not item then return end
  clear()
  local lines = vim.split(item.insertText, "\n", { plain = true })
  vim.api.nvim_buf_set_text(state.buf, state.row, state.col, state.row, state.col, lines)
  local last = #lines == 1 and state.col + #lines[1] or #lines[#lines]
  vim.api.nvim_win_set_cursor(0, { state.row + #lines, last })
  local client = vim.lsp.get_clients({ bufnr = state.buf, name = "tandem" })[1]
  if client and item.command then client:exec_cmd(item.command, { bufnr = state.buf }) end
end, { desc = "tandem: accept suggestion" })
