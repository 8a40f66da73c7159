-- <Tab> without a suggestion falls through to the user's own mapping, or inserts a Tab.
local H = dofile(vim.env.TANDEM_TEST_DIR .. "/helpers.lua")
H.watchdog(30000)
local down = { init_options = { backend = { kind = "llamacpp", url = "http://127.0.0.1:9" } } }
vim.cmd("inoremap <Tab> TABMARK")
require("tandem").setup(H.options(down))
vim.cmd("edit " .. H.file("tab.py", { "" }))

H.run({
  function(done)
    H.keys("i<Tab>")
    vim.defer_fn(function()
      local l = vim.api.nvim_get_current_line()
      H.check("<Tab> with no suggestion runs the user's previous insert mapping", l == "TABMARK", ("%q"):format(l))
      H.keys("<Esc>")
      done()
    end, 300)
  end,
  function(done)
    -- A second setup() must not capture its own mapping as the fallback (that would recurse).
    require("tandem").setup(H.options(down))
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { "" })
    H.keys("i<Tab><Esc>")
    vim.defer_fn(function()
      local l = vim.api.nvim_get_current_line()
      H.check("<Tab> still reaches the user's mapping after a second setup()", l == "TABMARK", ("%q"):format(l))
      done()
    end, 300)
  end,
  function(done)
    -- Without a previous mapping the key inserts a literal Tab.
    vim.keymap.del("i", "<Tab>")
    vim.bo.expandtab = false
    require("tandem").setup(H.options(down))
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { "" })
    H.keys("i<Tab>x<Esc>")
    vim.defer_fn(function()
      local l = vim.api.nvim_get_current_line()
      H.check("<Tab> with no suggestion and no mapping inserts a tab", l == "\tx", ("%q"):format(l))
      done()
    end, 300)
  end,
  function(done)
    -- <C-]> keeps its own meaning (abbreviation expansion) when nothing is shown.
    vim.cmd("iabbrev tdm tandem_abbrev")
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { "" })
    H.keys("itdm<C-]><Esc>")
    vim.defer_fn(function()
      local l = vim.api.nvim_get_current_line()
      H.check("<C-]> with no suggestion still expands abbreviations", l == "tandem_abbrev", ("%q"):format(l))
      done()
    end, 300)
  end,
})
