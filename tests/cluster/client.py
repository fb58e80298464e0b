"""A browser without JavaScript for the cluster proof: its cookies, the form's CSRF token and
idempotency key, and what a person does when the answer is nginx's "server interrupted" page or no
answer at all: submit the same form again (same key).

Every request is timed (p50/p95 in the figure) and every retry counted, by why it was needed.
"""
from __future__ import annotations

import http.client
import ssl
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tests.reliability.harness import TRANSIENT, csrf_of

RETRY_STATUS = {502, 503, 504}  # nginx's page: no node answered, or the one holding a POST died


class Answer:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.content = status, headers, body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Stats:
    """Shared by every browser of one run."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.requests = Counter()  # method -> count
        self.retries = Counter()  # why -> count ("502", "connection")
        self.unexpected: list[str] = []

    def timed(self, method: str, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.requests[method] += 1

    def retried(self, why: str) -> None:
        with self.lock:
            self.retries[why] += 1

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies)
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else 0.0


@dataclass(frozen=True)
class Site:
    """Where a browser sends its requests: Caddy over HTTPS (its own authority's root), nginx, or a node."""

    port: int
    host: str = "127.0.0.1"
    tls: ssl.SSLContext | None = None
    claims: dict = field(default_factory=dict)  # headers a lying client adds (X-Forwarded-For)

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        if self.tls:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.tls)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


class Browser:
    def __init__(self, site: Site, stats: Stats, username: str = "", password: str = "", timeout: float = 60):
        self.site, self.stats, self.timeout = site, stats, timeout
        self.username, self.password = username, password
        self.cookies: dict[str, str] = {}

    def at(self, port: int) -> "Browser":
        """The same person (same cookies) talking to one node directly, over plain HTTP."""
        other = Browser(Site(port), self.stats, self.username, self.password, self.timeout)
        other.cookies = self.cookies
        return other

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> Answer:
        # A browser's Referer: behind HTTPS, the CSRF check wants it from this very site.
        headers = {"Referer": f"{self.site.origin}{path}", **self.site.claims}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        conn = self.site.connect(self.timeout)
        began = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            content = resp.read()
        finally:
            conn.close()
        self.stats.timed(method, time.monotonic() - began)
        for key, value in resp.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, content)

    def again(self, method: str, path: str, body: bytes | None = None, content_type: str = "",
              deadline: float = 120) -> Answer:
        """The request until something answers other than the "interrupted" page; the same body
        each time (a form resubmitted keeps its key)."""
        end = time.monotonic() + deadline
        while True:
            try:
                answer = self.request(method, path, body, content_type)
                if answer.status not in RETRY_STATUS:
                    return answer
                why = str(answer.status)
            except TRANSIENT:
                why = "connection"
            if time.monotonic() > end:
                raise TimeoutError(f"{method} {path}: no answer within {deadline}s")
            self.stats.retried(why)
            time.sleep(0.1)

    def get(self, path: str) -> Answer:
        return self.again("GET", path)

    def post(self, path: str, form: dict) -> Answer:
        return self.again("POST", path, urlencode(form).encode(), "application/x-www-form-urlencoded")

    def post_file(self, path: str, fields: dict, file_field: str, filename: str, data: bytes) -> Answer:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                     "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
                     + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.again("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def login(self) -> None:
        page = self.get("/dang-nhap")
        if page.status in (302, 303):
            return
        answer = self.post("/dang-nhap", {"csrf_token": csrf_of(page.text), "username": self.username,
                                          "password": self.password})
        if answer.status not in (302, 303):
            raise RuntimeError(f"login of {self.username} answered {answer.status}")

    def page(self, path: str) -> Answer:
        """A page that needs the signed-in user: signs in again when sent to the login page."""
        for _ in range(3):
            answer = self.get(path)
            if answer.status in (302, 303) and "/dang-nhap" in answer.location:
                self.login()
                continue
            return answer
        raise RuntimeError(f"GET {path}: still sent to the login page")
