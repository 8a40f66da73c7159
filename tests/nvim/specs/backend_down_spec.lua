-- Backend down: the status shows an error, exactly one notification, no Lua errors, health says why.
local H = dofile(vim.env.TANDEM_TEST_DIR .. "/helpers.lua")
H.watchdog(60000)
local tandem = require("tandem")

local notes = {}
local orig_notify = vim.notify
vim.notify = function(msg, level, o)
  table.insert(notes, { msg = msg, level = level })
  return orig_notify(msg, level, o)
end

tandem.setup(H.options({ init_options = { backend = { kind = "llamacpp", url = "http://127.0.0.1:9" } } }))
vim.cmd("edit " .. H.file("down.py", { "def f(x):", "    return " }))

local function errors()
  local n = 0
  for _, note in ipairs(notes) do
    if (note.level or 0) >= vim.log.levels.WARN then n = n + 1 end
  end
  return n
end

H.run({
  function(done)
    H.wait(function() return require("tandem.client").get(0) end, 10000, function(ok)
      H.check("client attaches", ok)
      done()
    end)
  end,
  function(done)
    vim.api.nvim_win_set_cursor(0, { 2, 11 })
    H.keys("Ax")
    H.wait(function() return tandem.status() == "tandem: error" end, 20000, function(ok)
      H.check("status shows an error when the backend is down", ok, tandem.status())
      H.check("last error is recorded", (tandem.last_error() or ""):len() > 0)
      done()
    end)
  end,
  function(done)
    -- More typing and an explicit request must not repeat the message.
    H.keys(" + y")
    vim.defer_fn(function()
      H.keys("<M-\\>")
      vim.defer_fn(function()
        H.keys(" * 2")
        vim.defer_fn(done, 2500)
      end, 1000)
    end, 1000)
  end,
  function(done)
    H.check("exactly one error notification", errors() == 1, vim.inspect(notes))
    H.check("no ghost text while the backend is down", #H.marks() == 0)
    H.check("typing still works", vim.api.nvim_get_current_line() == "    return x + y * 2", vim.api.nvim_get_current_line())
    -- v:errmsg holds the server's message itself (the default handler reports it as an error).
    local errmsg = vim.v.errmsg
    H.check("no Vim/Lua error message", errmsg == "" or errmsg:find("^LSP%[tandem%]") ~= nil, errmsg)
    H.keys("<Esc>")
    done()
  end,
  function(done)
    vim.cmd("checkhealth tandem")
    vim.defer_fn(function()
      local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
      H.check("checkhealth finds the binary and its version", report:find("binary: .*tandem") ~= nil, report)
      H.check("checkhealth reports the running client", report:find("client running") ~= nil)
      H.check("checkhealth shows the last error", report:find("last error:") ~= nil)
      done()
    end, 1000)
  end,
})
