"""Gunicorn settings for `make run` and every web node (deploy/).

Several single-thread workers (one more than the machine has cores), each taking a connection only
when it is free to answer it. Requests then wait in the kernel's queue in arrival order and go to
whichever worker frees first. Each worker used to run 8 threads and accept every connection
offered: a browser's kept-alive connection stayed with the worker that took it, so at 10
connections one worker could hold five requests sharing its one core's worth of Python while
another idled. On the province seed (`bench.load`, 10 connections) that took a list's p95 to 3-4
times its p50 (lapsed members: p50 56 ms, p95 170 ms); taken in turn, p95 stays within 1.3 times
p50 (69 ms). The login limits count in a store every worker shares (app/core/limitstore.py).
"""
import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


workers = int(os.environ.get("WEB_WORKERS") or _cores() + 1)
worker_class = "gthread"
# More threads let one worker answer a slow download and another request at once; they share the
# worker's core, so the turn above is kept per thread.
threads = int(os.environ.get("WEB_THREADS", "1"))
# A worker accepts no more connections than it has threads free to answer them; a connection still
# waiting is the next free worker's.
worker_connections = threads
# ... which is why an answered connection is closed: kept open, an idle browser connection would
# hold its worker's only place for the keep-alive seconds while others queue. A proxy in front
# (deploy/) keeps its own connections to the browsers alive.
keepalive = 0
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
