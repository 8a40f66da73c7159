-- tandem for Neovim: inline completions from a local model as ghost text.
local config = require("tandem.config")
local client = require("tandem.client")
local keymaps = require("tandem.keymaps")
local status = require("tandem.status")
local suggestion = require("tandem.suggestion")

local M = {}

--- Resolved options (nil before setup).
M.options = nil

local function wanted(buf, opts)
  if vim.bo[buf].buftype ~= "" or vim.api.nvim_buf_get_name(buf) == "" then
    return false
  end
  if opts.filetypes == nil then
    return true
  end
  return vim.tbl_contains(opts.filetypes, vim.bo[buf].filetype)
end

--- Starts tandem for matching buffers and installs keymaps; `opts` overrides config.defaults.
function M.setup(opts)
  local resolved = config.resolve(opts)
  M.options = resolved
  suggestion.configure(resolved)
  local group = vim.api.nvim_create_augroup("tandem", { clear = true })
  local function attach(buf)
    if vim.api.nvim_buf_is_valid(buf) and wanted(buf, resolved) then
      client.start(buf, resolved)
    end
  end
  vim.api.nvim_create_autocmd({ "FileType", "BufReadPost", "BufNewFile" }, {
    group = group,
    callback = function(args) attach(args.buf) end,
  })
  vim.api.nvim_create_autocmd({ "TextChangedI", "CursorMovedI" }, {
    group = group,
    callback = function(args)
      if client.get(args.buf) then
        suggestion.on_change()
      end
    end,
  })
  vim.api.nvim_create_autocmd("InsertLeave", {
    group = group,
    callback = function() suggestion.reject() end,
  })
  vim.api.nvim_create_autocmd("BufLeave", {
    group = group,
    callback = function() suggestion.dismiss() end,
  })
  keymaps.setup(resolved.keymaps)
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      attach(buf)
    end
  end
end

--- Statusline component: "tandem: starting" | "tandem: ready" | "tandem: …" | "tandem: error".
function M.status()
  return status.text()
end

--- The last error the server reported, or nil.
function M.last_error()
  return status.last_error
end

M.accept = suggestion.accept
M.accept_word = suggestion.accept_word
M.accept_line = suggestion.accept_line
M.dismiss = suggestion.dismiss
M.next = function() suggestion.cycle(1) end
M.prev = function() suggestion.cycle(-1) end
M.trigger = function() suggestion.request(1) end

return M
