-- The donation-entry POST as the browser sends it with htmx: session cookie, the form's CSRF token
-- and a fresh idempotency key per request (a repeated key would be answered without a new row).
-- BENCH_POST_PATH, BENCH_POST_BODY (urlencoded, without idem_key) and BENCH_COOKIE come from bench/load.py.
local path = os.getenv("BENCH_POST_PATH")
local body = os.getenv("BENCH_POST_BODY")
local counter = 0
local prefix = ""

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
  prefix = string.format("%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
end

request = function()
  counter = counter + 1
  local key = prefix .. string.format("%016x", counter)
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("BENCH_COOKIE"),
    ["HX-Request"] = "true",
  }, body .. "&idem_key=" .. key)
end
