"""The ceiling for bench/load.py: a bare Flask route answering as many bytes as a real page.

Served by gunicorn with the app's own gunicorn.conf.py, so the ratio page / bare isolates the
app's work (queries, templates, sessions) from the server, the network stack and wrk itself.
"""
from functools import lru_cache

from flask import Flask, Response

app = Flask(__name__)


@lru_cache(maxsize=64)
def _body(size: int) -> bytes:
    line = "<p>Sổ Khuyến Học: trần thông lượng</p>\n".encode()
    return (line * (size // len(line) + 1))[:size]


@app.get("/b/<int:size>")
def bare(size: int):
    return Response(_body(min(size, 5_000_000)), mimetype="text/html")
