-- Appended to every wrk script of the bench: one machine-readable line at the end of a run.
-- Latencies are in microseconds; errors count failed connections, timeouts and 4xx/5xx answers.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"p50_us\":%d,\"p95_us\":%d," ..
    "\"p99_us\":%d,\"max_us\":%d,\"errors\":%d,\"status_errors\":%d}\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
