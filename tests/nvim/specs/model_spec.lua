-- Real model: ghost text on typing, accept word / line / all, server signals, dismiss, alternatives.
local H = dofile(vim.env.TANDEM_TEST_DIR .. "/helpers.lua")
H.watchdog(180000)
local tandem = require("tandem")
local suggestion = require("tandem.suggestion")
local text = require("tandem.text")

local errors = {}
local orig_notify = vim.notify
vim.notify = function(msg, level, o)
  if level == vim.log.levels.ERROR then
    table.insert(errors, msg)
  end
  return orig_notify(msg, level, o)
end

tandem.setup(H.options())
local path = H.file("greet.py", { "def greet(name):", "    message = ", "    print(message)", "    return message" })
vim.cmd("edit " .. path)

local s = {} -- facts carried between steps
local function line(n) return vim.api.nvim_buf_get_lines(0, n - 1, n, false)[1] end

H.run({
  function(done)
    H.wait(function() return require("tandem.client").get(0) end, 10000, function(ok)
      H.check("client attaches to a python buffer", ok)
      done()
    end)
  end,
  function(done)
    vim.api.nvim_win_set_cursor(0, { 2, 14 })
    H.keys("A")
    vim.defer_fn(function() H.keys("f") end, 200)
    H.wait(function() return #H.marks() > 0 and suggestion.current() end, 150000, function(ok)
      H.check("ghost text appears after typing", ok, "status=" .. tandem.status())
      if not ok then return H.finish() end
      local cur = suggestion.current()
      s.item, s.rest, s.id = cur.items[1], cur.rest, H.item_id(cur.items[1])
      s.base = line(2)
      local mark = H.marks()[1][4]
      local first = text.lines(s.rest)[1]
      H.check("first line is inline virtual text", mark.virt_text_pos == "inline" and mark.virt_text[1][1] == first,
        vim.inspect(mark.virt_text))
      H.check("further lines are virt_lines", (#text.lines(s.rest) > 1) == (mark.virt_lines ~= nil))
      H.check("ghost text has no carriage return", not s.rest:find("\r"))
      H.check("statusline component reports ready", tandem.status() == "tandem: ready", tandem.status())
      done()
    end)
  end,
  function(done)
    H.wait(function() return H.log():find("suggestion shown: id=" .. s.id, 1, true) end, 5000, function(ok)
      H.check("server logged didShowCompletion for the item", ok)
      local _, count = H.log():gsub("suggestion shown: id=" .. s.id:gsub("%p", "%%%0"), "")
      H.check("didShowCompletion sent once per item", count == 1, "count=" .. count)
      done()
    end)
  end,
  function(done)
    s.word = text.next_word(s.rest)
    s.partial = s.word ~= s.rest
    H.keys("<M-w>")
    vim.defer_fn(function()
      local want = s.base .. text.lines(s.word)[1]
      H.check("accept word inserts the next word", line(2) == want or s.word:find("\n"), ("%q vs %q"):format(line(2), want))
      if s.partial then
        local cur = suggestion.current()
        H.check("rest stays shown after accept word", cur and cur.rest == s.rest:sub(#s.word + 1) and #H.marks() == 1)
        H.wait(function()
          return H.log():find(("suggestion partially_accepted: id=%s accepted_length=%d"):format(s.id, text.utf16_len(s.word)), 1, true)
        end, 5000, function(ok)
          H.check("server logged didPartiallyAcceptCompletion with the UTF-16 length", ok)
          done()
        end)
      else
        H.check("single-word suggestion accepted whole", suggestion.current() == nil)
        done()
      end
    end, 300)
  end,
  function(done)
    local cur = suggestion.current()
    if not cur then return done() end
    s.lineaccepted = text.next_line(cur.rest)
    local before = line(2)
    H.keys("<M-l>")
    vim.defer_fn(function()
      local want = before .. text.lines(s.lineaccepted)[1]
      H.check("accept line inserts the rest of the line", line(2) == want, ("%q vs %q"):format(line(2), want))
      done()
    end, 300)
  end,
  function(done)
    local cur = suggestion.current()
    if cur then
      H.keys("<Tab>")
    end
    vim.defer_fn(function()
      local got = table.concat(vim.api.nvim_buf_get_lines(0, 1, -1, false), "\n")
      local want = s.base .. s.rest .. "\n    print(message)\n    return message"
      H.check("accept all leaves the whole suggestion in the buffer", got == want, ("%q vs %q"):format(got, want))
      H.check("ghost text gone after accept", #H.marks() == 0 and suggestion.current() == nil)
      local row, col = text.end_position(1, #"    message = f", s.rest)
      local pos = vim.api.nvim_win_get_cursor(0)
      H.check("cursor at the end of the accepted text", pos[1] == row + 1 and pos[2] == col, vim.inspect(pos))
      H.wait(function() return H.log():find("suggestion accepted: id=" .. s.id, 1, true) end, 5000, function(ok)
        H.check("accept ran the item's command (server logged accepted)", ok)
        done()
      end)
    end, 400)
  end,
  function(done)
    -- A fresh suggestion on a new line, dismissed with <C-]>.
    H.keys("<Esc>o    greeting = ")
    H.wait(function() return #H.marks() > 0 end, 60000, function(ok)
      H.check("new ghost text on a new line", ok)
      H.keys("<C-]>")
      vim.defer_fn(function()
        H.check("<C-]> dismisses the ghost text", #H.marks() == 0 and suggestion.current() == nil)
        H.check("still in insert mode after dismiss", vim.api.nvim_get_mode().mode == "i")
        done()
      end, 300)
    end)
  end,
  function(done)
    -- Delete and retype the last character: a context the model answered before.
    H.keys("<BS> ")
    H.wait(function() return #H.marks() > 0 end, 30000, function(ok)
      H.check("ghost text comes back on typing", ok)
      H.keys("<Esc>")
      vim.defer_fn(function()
        H.check("leaving insert mode dismisses", #H.marks() == 0 and suggestion.current() == nil)
        done()
      end, 300)
    end)
  end,
  function(done)
    H.keys("A<M-\\>")
    H.wait(function() return suggestion.current() and #H.marks() > 0 end, 30000, function(ok)
      H.check("<M-\\> asks for suggestions on demand", ok)
      local cur = suggestion.current()
      if not cur then return done() end
      local n = #cur.items
      H.check("on-demand request returns alternatives", n >= 1, "items=" .. n)
      if n > 1 then
        local first = cur.rest
        H.keys("<M-]>")
        vim.defer_fn(function()
          local c2 = suggestion.current()
          H.check("<M-]> shows the next alternative", c2 and c2.index == 2 and H.marks()[1][4].virt_text[1][1] ~= nil)
          H.keys("<M-[>")
          vim.defer_fn(function()
            H.check("<M-[> goes back", suggestion.current() and suggestion.current().rest == first)
            done()
          end, 200)
        end, 200)
      else
        done()
      end
    end)
  end,
  function(done)
    H.check("no error notifications with a working backend", #errors == 0, vim.inspect(errors))
    done()
  end,
})
