-- Insert-mode keymaps. Accept keys fall through to what they did before when nothing is shown.
local suggestion = require("tandem.suggestion")

local M = {}

local FALLBACK = "<Plug>(tandem-fallback-%s)"

local function termcodes(keys)
  return vim.api.nvim_replace_termcodes(keys, true, false, true)
end

-- Keys each lhs falls back to, captured by the first setup().
local captured = {}

-- Re-creates the user's previous global insert mapping of `lhs` under a <Plug> name so our
-- mapping can hand the key to it. Without one the key itself is returned (our mapping is then
-- non-recursive): a <Plug> key would break abbreviations before <C-]>.
-- Returns the keys to hand over and whether they must be remapped.
local function capture_fallback(lhs, name)
  local plug = FALLBACK:format(name)
  local old = vim.fn.maparg(lhs, "i", false, true)
  -- A second setup() finds our own mapping; keep what was captured the first time.
  if type(old) == "table" and old.desc and old.desc:find("^tandem:") and captured[lhs] then
    return captured[lhs][1], captured[lhs][2]
  end
  captured[lhs] = { M.fallback_keys(lhs, plug, old) }
  return captured[lhs][1], captured[lhs][2]
end

--- Keys handed over when nothing is shown, and whether they must be remapped.
function M.fallback_keys(lhs, plug, old)
  if type(old) == "table" and (old.rhs or old.callback) and old.buffer ~= 1 then
    vim.keymap.set("i", plug, old.callback or old.rhs, {
      expr = old.expr == 1,
      remap = old.noremap ~= 1,
      silent = old.silent == 1,
      nowait = old.nowait == 1,
      replace_keycodes = old.replace_keycodes == 1 or nil,
    })
    return termcodes(plug), true
  end
  return termcodes(lhs), false
end

-- Maps `lhs` to `action`; when the action reports nothing to act on, the old key behaviour runs.
local function map_with_fallback(lhs, name, action, desc)
  local fallback, remap = capture_fallback(lhs, name)
  vim.keymap.set("i", lhs, function()
    if suggestion.current() then
      -- Buffer changes are not allowed while an <expr> mapping is evaluated.
      vim.schedule(action)
      return ""
    end
    return fallback
  end, { expr = true, remap = remap, replace_keycodes = false, desc = desc })
end

local function map(lhs, action, desc)
  vim.keymap.set("i", lhs, action, { desc = desc })
end

--- Installs the configured keymaps (a key set to false is skipped).
function M.setup(keys)
  if keys.accept then
    map_with_fallback(keys.accept, "accept", suggestion.accept, "tandem: accept suggestion")
  end
  if keys.dismiss then
    map_with_fallback(keys.dismiss, "dismiss", suggestion.reject, "tandem: dismiss suggestion")
  end
  if keys.accept_word then
    map(keys.accept_word, suggestion.accept_word, "tandem: accept next word")
  end
  if keys.accept_line then
    map(keys.accept_line, suggestion.accept_line, "tandem: accept line")
  end
  if keys.next then
    map(keys.next, function() suggestion.cycle(1) end, "tandem: next suggestion")
  end
  if keys.prev then
    map(keys.prev, function() suggestion.cycle(-1) end, "tandem: previous suggestion")
  end
  if keys.trigger then
    map(keys.trigger, function() suggestion.request(1) end, "tandem: suggest")
  end
end

return M
