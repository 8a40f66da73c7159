-- Shared steps for the headless specs: keys are only processed once Neovim is back in its main
-- loop, so every spec is a chain of deferred steps, each waiting for a condition.
local H = {}

local out = assert(io.open(assert(os.getenv("TANDEM_TEST_OUT"), "TANDEM_TEST_OUT unset"), "a"))
H.failures = 0
H.tmp = assert(os.getenv("TANDEM_TEST_TMP"), "TANDEM_TEST_TMP unset")
if os.getenv("TANDEM_NVIM_DEBUG") then
  vim.lsp.set_log_level("debug") -- written to $XDG_STATE_HOME/nvim/lsp.log in the kept temp dir
end

--- Records one named check.
function H.check(name, ok, detail)
  local line = (ok and "PASS " or "FAIL ") .. name .. ((not ok and detail) and (" -- " .. detail) or "")
  out:write(line .. "\n")
  out:flush()
  io.stdout:write(line .. "\n")
  if not ok then
    H.failures = H.failures + 1
  end
  return ok
end

--- Ends the spec; the exit code tells the runner whether the spec ran to its end.
function H.finish()
  out:close()
  vim.cmd(H.failures == 0 and "qa!" or "cquit! 1")
end

--- Feeds keys as if typed (mappings apply).
function H.keys(k)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(k, true, false, true), "m", false)
end

--- Calls `next_step(true)` once `cond()` holds, or `next_step(false)` after `timeout_ms`.
function H.wait(cond, timeout_ms, next_step)
  local deadline = vim.uv.now() + timeout_ms
  local function poll()
    local ok, value = pcall(cond)
    if ok and value then
      return next_step(true)
    end
    if vim.uv.now() > deadline then
      return next_step(false)
    end
    vim.defer_fn(poll, 100)
  end
  vim.defer_fn(poll, 50)
end

--- Runs `steps` (functions taking `done`) one after the other, then finishes.
function H.run(steps)
  local i = 0
  local function advance()
    i = i + 1
    if i > #steps then
      return H.finish()
    end
    local ok, err = pcall(steps[i], function() vim.defer_fn(advance, 50) end)
    if not ok then
      H.check("step " .. i .. " ran without a Lua error", false, tostring(err))
      H.finish()
    end
  end
  -- Lua errors raised in callbacks show up as error messages; record them as failures.
  vim.defer_fn(advance, 100)
end

--- Guards the whole spec against hanging.
function H.watchdog(ms)
  vim.defer_fn(function()
    H.check("spec finished within " .. ms .. " ms", false)
    H.finish()
  end, ms)
end

--- Options for setup(): the real managed model unless `backend` is given.
function H.options(extra)
  local init = {
    backend = { kind = "managed" },
    managed = {
      llama_server = os.getenv("TANDEM_LLAMA_SERVER"),
      model = os.getenv("TANDEM_MODEL"),
      ctx_size = 4096,
      idle_timeout_secs = 120,
    },
    completion = { temperature = 0, debounce_ms = 0 },
  }
  local opts = { cmd = { os.getenv("TANDEM_BIN"), "serve" }, init_options = init, debounce_ms = 30 }
  return vim.tbl_deep_extend("force", opts, extra or {})
end

--- Extmarks of the ghost text in the current buffer.
function H.marks()
  return vim.api.nvim_buf_get_extmarks(0, require("tandem.ghost").ns, 0, -1, { details = true })
end

--- Contents of the server log.
function H.log()
  local f = io.open(H.tmp .. "/tandem.log", "r")
  if not f then
    return ""
  end
  local s = f:read("*a")
  f:close()
  return s
end

--- Writes `lines` to a file in the temp dir and returns its path.
function H.file(name, lines)
  local path = H.tmp .. "/" .. name
  vim.fn.writefile(lines, path)
  return path
end

--- The id inside an item's accept command.
function H.item_id(item)
  return item.command and item.command.arguments and item.command.arguments[1].id
end

return H
