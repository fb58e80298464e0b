-- GET with the session cookie (and HX-Request when BENCH_HTMX=1): one page, over and over.
local headers = { ["Cookie"] = os.getenv("BENCH_COOKIE") }
if os.getenv("BENCH_HTMX") == "1" then headers["HX-Request"] = "true" end

request = function()
  return wrk.format("GET", nil, headers)
end
