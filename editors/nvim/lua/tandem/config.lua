-- Default options and their merge with the user's; kept apart so health and tests can read them.
local M = {}

--- Options used when setup() is called without them.
M.defaults = {
  -- Command that starts the server; "serve" is appended when it is a single string.
  cmd = { "tandem", "serve" },
  -- nil = every normal file buffer; otherwise a list of filetypes.
  filetypes = nil,
  -- Files that mark a project root (passed to vim.fs.root); the file's folder otherwise.
  root_markers = { ".git", "tandem.toml" },
  -- Sent as initializationOptions (same structure as tandem.toml).
  init_options = {},
  -- Wait after the last keystroke before asking for an automatic suggestion.
  debounce_ms = 75,
  -- Highlight group of the ghost text.
  hl_group = "Comment",
  -- Set a key to false to leave it unmapped.
  keymaps = {
    accept = "<Tab>",
    accept_word = "<M-w>",
    accept_line = "<M-l>",
    dismiss = "<C-]>",
    next = "<M-]>",
    prev = "<M-[>",
    trigger = "<M-\\>",
  },
}

--- Returns the defaults deep-merged with `opts`.
function M.resolve(opts)
  local merged = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if type(merged.cmd) == "string" then
    merged.cmd = { merged.cmd, "serve" }
  end
  -- Lists are replaced, not merged index by index.
  if opts and opts.cmd and type(opts.cmd) == "table" then
    merged.cmd = vim.deepcopy(opts.cmd)
  end
  if opts and opts.root_markers then
    merged.root_markers = vim.deepcopy(opts.root_markers)
  end
  return merged
end

return M
