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


def post_worker_init(worker):
    """Leave the loaded app out of the garbage collector's full passes.

    A worker holds about 200,000 long-lived objects once the app is imported (modules, mappers,
    routes, templates). Every full collection walked all of them while holding the GIL: 120-150 ms
    in which none of the worker's threads answered, the tail of a busy list page. Frozen, they are
    never scanned again (they live as long as the worker anyway) and a full pass takes a few ms.
    """
    import gc

    gc.collect()
    gc.freeze()
