-- passgate passdb and userdb for Dovecot's Lua auth driver.
--
-- Tested with Dovecot 2.3.19.1 and dovecot-auth-lua (Lua 5.4) on Debian 12,
-- through passgate-lua-2.3.conf. Dovecot 2.4 has no checkpassword driver,
-- so this script is how 2.4 reaches passgate (passgate-lua-2.4.conf); that
-- combination is untested.
--
-- Edit the two paths below. Both are written into a /bin/sh command line,
-- single-quoted.
local PASSGATE = "/usr/local/bin/passgate"
local CONFIG = "/etc/passgate/passgate.toml"

-- How the secret reaches passgate: io.popen(command, "w") connects the
-- child's stdin to a pipe, and the script writes
-- "user NUL password NUL service NUL remote-ip NUL" into it. The password
-- never enters argv or the environment, and the command line contains
-- only the fixed words above. Lua cannot give a child an extra fd 3, and a
-- popen pipe goes one way, so the passdb learns its result from the exit
-- status alone: 0 accept, 1 reject, 3 unknown account, anything else a
-- temporary failure.
--
-- The userdb lookup carries no secret: the user name is one more
-- single-quoted word in argv, and passgate prints uid=, gid= and home=
-- lines on stdout, which io.popen(command, "r") reads.

local auth = dovecot.auth

local function quote(word)
  return "'" .. string.gsub(word, "'", "'\\''") .. "'"
end

local function command(words)
  local quoted = { "exec", quote(PASSGATE), "lua-bridge", "--config", quote(CONFIG) }
  for _, word in ipairs(words) do
    quoted[#quoted + 1] = quote(word)
  end
  return table.concat(quoted, " ")
end

-- Returns the child's exit status, or nil and a description.
local function close_child(child)
  local _, termination, status = child:close()
  if termination == "exit" then
    return status
  end
  return nil, "passgate ended by " .. tostring(termination) .. " " .. tostring(status)
end

-- NUL would shift the request's fields; control characters never belong
-- to an account name.
local function has_control(text)
  return string.find(text, "%c") ~= nil
end

function auth_password_verify(req, password)
  local service = req.service or ""
  local rip = req.rip or ""
  if has_control(req.user) or string.find(password, "\0", 1, true) then
    return auth.PASSDB_RESULT_PASSWORD_MISMATCH, ""
  end

  local child = io.popen(command({ "passdb" }), "w")
  if child == nil then
    return auth.PASSDB_RESULT_INTERNAL_FAILURE, "cannot run " .. PASSGATE
  end
  child:write(req.user, "\0", password, "\0", service, "\0", rip, "\0")
  local status, problem = close_child(child)

  if status == 0 then
    return auth.PASSDB_RESULT_OK, ""
  elseif status == 1 then
    return auth.PASSDB_RESULT_PASSWORD_MISMATCH, ""
  elseif status == 3 then
    return auth.PASSDB_RESULT_USER_UNKNOWN, ""
  end
  return auth.PASSDB_RESULT_INTERNAL_FAILURE,
    problem or ("passgate exited with status " .. status)
end

function auth_userdb_lookup(req)
  if has_control(req.user) then
    return auth.USERDB_RESULT_USER_UNKNOWN, ""
  end

  local child = io.popen(command({ "userdb", req.user }), "r")
  if child == nil then
    return auth.USERDB_RESULT_INTERNAL_FAILURE, "cannot run " .. PASSGATE
  end
  local output = child:read("a") or ""
  local status, problem = close_child(child)

  if status == 3 then
    return auth.USERDB_RESULT_USER_UNKNOWN, ""
  elseif status ~= 0 then
    return auth.USERDB_RESULT_INTERNAL_FAILURE,
      problem or ("passgate exited with status " .. status)
  end
  local fields = {}
  for key, value in string.gmatch(output, "([%w_]+)=([^\n]*)\n") do
    fields[key] = value
  end
  return auth.USERDB_RESULT_OK, fields
end

-- Dovecot 2.4 takes the auth cache keys from these functions: everything
-- a verdict depends on. Dovecot 2.3 ignores them and reads cache_key= from
-- the passdb and userdb args instead.
function auth_passdb_get_cache_key()
  return "%{user}\t%{protocol}\t%{remote_ip}"
end

function auth_userdb_get_cache_key()
  return "%{user}"
end

function script_init()
  return 0
end

function script_deinit()
end
