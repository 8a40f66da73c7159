-- :checkhealth tandem
local M = {}

function M.check()
  local health = vim.health
  health.start("tandem")
  local tandem = require("tandem")
  local opts = tandem.options or require("tandem.config").resolve({})
  if not tandem.options then
    health.warn('setup() was not called; add require("tandem").setup({}) to your config')
  end
  local bin = opts.cmd[1]
  if vim.fn.executable(bin) == 1 then
    local out = vim.fn.system({ bin, "--version" })
    if vim.v.shell_error == 0 then
      health.ok(("binary: %s (%s)"):format(vim.fn.exepath(bin), vim.trim(out)))
    else
      health.error(("`%s --version` failed: %s"):format(bin, vim.trim(out)))
    end
  else
    health.error(("binary `%s` not found"):format(bin), { "build it with `cargo build -p tandem` and put it on PATH, or set cmd in setup()" })
  end
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local clients = get({ name = "tandem" })
  if #clients > 0 then
    local attached = vim.tbl_keys(clients[1].attached_buffers or {})
    health.ok(("client running (id %d, %d buffer(s) attached)"):format(clients[1].id, #attached))
  else
    health.warn("no tandem client running (open a file of a configured filetype)")
  end
  health.info("status: " .. (tandem.status() ~= "" and tandem.status() or "off"))
  local err = tandem.last_error()
  if err then
    health.error("last error: " .. err)
  else
    health.ok("no errors reported")
  end
end

return M
