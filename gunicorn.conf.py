"""Gunicorn settings for `make run`.

One worker with threads by default: a commune's server is small, and the login
rate limit (kept in memory unless RATELIMIT_STORAGE_URI points at Redis) is only
exact within one process. Raise WEB_WORKERS together with a shared limiter store.
"""
import os

workers = int(os.environ.get("WEB_WORKERS", "1"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 60
graceful_timeout = 20
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
