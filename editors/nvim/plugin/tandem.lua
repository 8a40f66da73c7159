-- Nothing starts until require("tandem").setup() is called; this only adds a command.
if vim.g.loaded_tandem then
  return
end
vim.g.loaded_tandem = true

vim.api.nvim_create_user_command("TandemStatus", function()
  local ok, tandem = pcall(require, "tandem")
  local text = ok and tandem.status() or ""
  local err = ok and tandem.last_error() or nil
  vim.notify((text ~= "" and text or "tandem: not started") .. (err and ("\nlast error: " .. err) or ""))
end, { desc = "Show tandem's status and last error" })
