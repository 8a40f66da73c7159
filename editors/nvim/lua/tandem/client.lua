-- Starting the server and talking to it, hiding the 0.10 / 0.11 client API differences.
local status = require("tandem.status")

local M = {}

local new_api = vim.fn.has("nvim-0.11") == 1

--- The tandem client attached to `buf`, if any.
function M.get(buf)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = buf, name = "tandem" })[1]
end

--- Sends a request; returns its id (for cancel) or nil.
function M.request(client, method, params, handler, buf)
  local ok, id
  if new_api then
    ok, id = client:request(method, params, handler, buf)
  else
    ok, id = client.request(method, params, handler, buf)
  end
  return ok and id or nil
end

--- Cancels a request started with M.request.
function M.cancel(client, id)
  if new_api then
    client:cancel_request(id)
  else
    client.cancel_request(id)
  end
end

--- Sends a notification.
function M.notify(client, method, params)
  if new_api then
    client:notify(method, params)
  else
    client.notify(method, params)
  end
end

--- Runs an item's command (e.g. tandem.accept) through the client.
function M.exec(client, command, buf)
  if not command then
    return
  end
  if new_api and client.exec_cmd then
    client:exec_cmd(command, { bufnr = buf })
  else
    client.request("workspace/executeCommand", {
      command = command.command,
      arguments = command.arguments,
    }, function() end, buf)
  end
end

-- Status from work-done progress: the managed model start-up reports begin/end.
local function on_progress(err, result, ctx, config)
  local default = vim.lsp.handlers["$/progress"]
  if default then
    pcall(default, err, result, ctx, config)
  end
  local value = result and result.value
  if type(value) ~= "table" then
    return
  end
  if value.kind == "begin" then
    status.set("starting", value.title)
  elseif value.kind == "end" and status.state ~= "error" then
    status.set("ready")
  end
end

-- The server shows each backend failure once; we record it and let the default handler notify.
local function on_show_message(err, result, ctx, config)
  if result and result.type and result.type <= 2 then
    status.error(result.message)
  end
  return vim.lsp.handlers["window/showMessage"](err, result, ctx, config)
end

local function root_dir(buf, markers)
  local name = vim.api.nvim_buf_get_name(buf)
  local root = vim.fs.root and vim.fs.root(buf, markers) or nil
  if not root then
    local found = vim.fs.find(markers, { path = vim.fs.dirname(name), upward = true })[1]
    root = found and vim.fs.dirname(found) or nil
  end
  return root or vim.fs.dirname(name)
end

--- Starts (or reuses) the server for `buf` with resolved options `opts`.
function M.start(buf, opts)
  if status.state == "off" then
    status.set("starting")
  end
  return vim.lsp.start({
    name = "tandem",
    cmd = opts.cmd,
    root_dir = root_dir(buf, opts.root_markers),
    init_options = opts.init_options,
    handlers = {
      ["$/progress"] = on_progress,
      ["window/showMessage"] = on_show_message,
    },
    on_init = function()
      if status.state == "starting" then
        status.set("ready")
      end
    end,
    on_exit = function(code)
      if code ~= 0 then
        status.error("tandem exited with code " .. tostring(code))
      else
        status.set("off")
      end
    end,
  }, { bufnr = buf })
end

return M
