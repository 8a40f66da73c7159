-- The suggestion being shown: requesting, showing, cycling, accepting (fully or in parts).
local client = require("tandem.client")
local ghost = require("tandem.ghost")
local status = require("tandem.status")
local text = require("tandem.text")

local M = {}

-- Current suggestion: { buf, row, col, tick, items, index, rest } or nil.
local current = nil
-- Pending automatic request: timer and { client, id } of the request in flight.
local timer = nil
local pending = nil
-- Items already reported with didShowCompletion (each only once).
local shown = setmetatable({}, { __mode = "k" })
local opts = nil

--- Stores the resolved options.
function M.configure(resolved)
  opts = resolved
end

--- The suggestion shown now (for tests and statusline use).
function M.current()
  return current
end

local function item_text(item)
  local t = item.insertText
  if type(t) == "table" then
    t = t.value or ""
  end
  return text.clean(t or "")
end

local function cancel_pending()
  if timer then
    timer:stop()
    timer:close()
    timer = nil
  end
  if pending then
    pcall(client.cancel, pending.client, pending.id)
    pending = nil
    status.request_done(false)
  end
end

--- Removes the ghost text and forgets the suggestion.
function M.dismiss()
  cancel_pending()
  if current then
    ghost.clear(current.buf)
  end
  current = nil
end

--- The user dismissed the suggestion on purpose: tell the server (telemetry counts it as an
--- explicit rejection), then dismiss.
function M.reject()
  if current then
    local item = current.items[current.index]
    local c = client.get(current.buf)
    if c and item and shown[item] and item.command and item.command.arguments then
      client.exec(c, {
        title = "reject",
        command = "tandem.reject",
        arguments = item.command.arguments,
      }, current.buf)
    end
  end
  M.dismiss()
end

local function render()
  local item = current.items[current.index]
  ghost.show(current.buf, current.row, current.col, current.rest, opts.hl_group)
  if not shown[item] then
    shown[item] = true
    local c = client.get(current.buf)
    if c then
      client.notify(c, "textDocument/didShowCompletion", { item = item })
    end
  end
end

local function cursor()
  local pos = vim.api.nvim_win_get_cursor(0)
  return pos[1] - 1, pos[2]
end

-- True when the buffer and cursor are where the suggestion was anchored.
local function still_valid(s)
  local row, col = cursor()
  return s.buf == vim.api.nvim_get_current_buf()
    and row == s.row
    and col == s.col
    and vim.api.nvim_buf_get_changedtick(s.buf) == s.tick
end

--- Asks the server for suggestions at the cursor; triggerKind 1 = invoked, 2 = automatic.
function M.request(trigger_kind)
  cancel_pending()
  local buf = vim.api.nvim_get_current_buf()
  local c = client.get(buf)
  if not c or not vim.api.nvim_get_mode().mode:match("^i") then
    return
  end
  local params = vim.lsp.util.make_position_params(0, c.offset_encoding)
  params.context = { triggerKind = trigger_kind }
  local row, col = cursor()
  local anchor = { buf = buf, row = row, col = col, tick = vim.api.nvim_buf_get_changedtick(buf) }
  local req = { client = c, anchor = anchor }
  req.id = client.request(c, "textDocument/inlineCompletion", params, function(err, result)
    if pending ~= req then
      return -- superseded or cancelled; its status was already settled
    end
    pending = nil
    local items = {}
    if not err and result then
      for _, item in ipairs(result.items or result) do
        if item_text(item) ~= "" then
          table.insert(items, item)
        end
      end
    end
    status.request_done(#items > 0)
    if #items == 0 or not still_valid(anchor) or not vim.api.nvim_get_mode().mode:match("^i") then
      return
    end
    if current then
      ghost.clear(current.buf)
    end
    anchor.items, anchor.index, anchor.rest = items, 1, item_text(items[1])
    current = anchor
    render()
  end, buf)
  if req.id then
    pending = req
    status.request_started()
  end
end

--- Called on TextChangedI / CursorMovedI: our own inserts keep the suggestion, anything else
--- replaces it with a fresh debounced request.
function M.on_change()
  if current and still_valid(current) then
    return
  end
  -- Entering insert mode right after the trigger key moves nothing; keep that request alive.
  if pending and not current and still_valid(pending.anchor) then
    return
  end
  M.dismiss()
  local delay = opts.debounce_ms
  timer = vim.uv.new_timer()
  timer:start(delay, 0, vim.schedule_wrap(function()
    if timer then
      timer:close()
      timer = nil
    end
    M.request(2)
  end))
end

--- Shows the next (step = 1) or previous (-1) alternative; asks for alternatives if there are none.
function M.cycle(step)
  if not current then
    return M.request(1)
  end
  local n = #current.items
  if n < 2 then
    return
  end
  current.index = (current.index - 1 + step) % n + 1
  current.rest = item_text(current.items[current.index])
  render()
end

-- Inserts `part` at the anchor and moves the anchor (and cursor) to its end.
local function insert(part)
  local lines = text.lines(part)
  vim.api.nvim_buf_set_text(current.buf, current.row, current.col, current.row, current.col, lines)
  local row, col = text.end_position(current.row, current.col, part)
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  current.row, current.col = row, col
  current.tick = vim.api.nvim_buf_get_changedtick(current.buf)
end

--- Accepts the whole remaining suggestion and runs its command. Returns false when none is shown.
function M.accept()
  if not current then
    return false
  end
  local s = current
  local item = s.items[s.index]
  ghost.clear(s.buf)
  insert(s.rest)
  current = nil
  local c = client.get(s.buf)
  if c then
    client.exec(c, item.command, s.buf)
  end
  return true
end

-- Accepts `part` (a prefix of the rest), reports it, and keeps showing what remains.
local function accept_part(part)
  if not current then
    return false
  end
  if part == current.rest then
    return M.accept()
  end
  local item = current.items[current.index]
  current.accepted = (current.accepted or "") .. part
  current.rest = current.rest:sub(#part + 1)
  insert(part)
  ghost.show(current.buf, current.row, current.col, current.rest, opts.hl_group)
  local c = client.get(current.buf)
  if c then
    client.notify(c, "textDocument/didPartiallyAcceptCompletion", {
      item = item,
      acceptedLength = text.utf16_len(current.accepted),
    })
  end
  return true
end

--- Accepts the next word of the suggestion.
function M.accept_word()
  return current and accept_part(text.next_word(current.rest)) or false
end

--- Accepts the rest of the suggestion's current line.
function M.accept_line()
  return current and accept_part(text.next_line(current.rest)) or false
end

return M
