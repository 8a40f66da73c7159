-- Server state for the statusline and :checkhealth; errors are remembered, not repeated.
local M = {
  state = "off", -- off | starting | ready | busy | error
  detail = nil,
  last_error = nil,
  in_flight = 0,
}

local labels = { starting = "starting", ready = "ready", busy = "…", error = "error" }

local function redraw()
  vim.schedule(function()
    pcall(vim.cmd, "redrawstatus")
  end)
end

--- Moves to `state` (keeps an error until something proves the backend works again).
function M.set(state, detail)
  M.state, M.detail = state, detail
  redraw()
end

--- Records an error shown by the server.
function M.error(message)
  M.last_error = message
  M.set("error", message)
end

--- A request started.
function M.request_started()
  M.in_flight = M.in_flight + 1
  redraw()
end

--- A request ended; `ok_with_items` clears a previous error.
function M.request_done(ok_with_items)
  M.in_flight = math.max(0, M.in_flight - 1)
  if ok_with_items and (M.state == "error" or M.state == "starting") then
    M.set("ready")
  end
  redraw()
end

--- Statusline text, "" when no server was started.
function M.text()
  if M.state == "off" then
    return ""
  end
  if M.in_flight > 0 and M.state == "ready" then
    return "tandem: " .. labels.busy
  end
  return "tandem: " .. labels[M.state]
end

return M
