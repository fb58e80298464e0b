"""Configuration from environment variables with safe defaults.

The secret key is generated once into instance/secret_key so that it is never
committed and survives restarts (sessions stay valid across a redeploy).
"""
import os
import secrets
from datetime import date, timedelta
from pathlib import Path

from app.core import limitstore  # registers the skh-sqlite:// scheme with limits


def _secret_key(instance_path: str) -> str:
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write with 0600 before any content lands in it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; we use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return "sqlite:///" + str(Path(instance_path) / "sokhuyenhoc.db")


def build_config(instance_path: str) -> dict:
    """Settings for a normal run; tests pass overrides to create_app()."""
    https = os.environ.get("HTTPS", "0") == "1"
    # A signed-in session ends after SESSION_IDLE_HOURS without a request, and SESSION_MAX_DAYS after
    # the login whatever happens (app/auth/sessions.py). 8 hours covers a working day with the tab
    # left open; 7 days means a shared office computer is never signed in for good, while a
    # volunteer who uses the app daily signs in about once a week.
    idle_hours = float(os.environ.get("SESSION_IDLE_HOURS", "8"))
    max_days = float(os.environ.get("SESSION_MAX_DAYS", "7"))
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # PostgreSQL: the role the app acts as after connecting (SET ROLE), e.g. skh_app, which owns
        # no table, so the row policies bind it (app/core/rls.py). Empty: the login role as it is.
        "DATABASE_ROLE": os.environ.get("DATABASE_ROLE", ""),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "SESSION_IDLE_HOURS": idle_hours,
        "SESSION_MAX_DAYS": max_days,
        "SESSION_TOUCH_SECONDS": 300,  # last-seen is rewritten at most this often (one Set-Cookie)
        # The signed cookie itself is refused once older than the absolute lifetime (Flask's default
        # is 31 days); the app sets no remember-me cookie, and one would not outlive it either.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=max_days),
        "REMEMBER_COOKIE_DURATION": timedelta(days=max_days),
        # Behind a reverse proxy every request comes from the proxy's address, and the per-address
        # login limits would then be one limit for everyone: PROXY_HOPS=1 takes the client's
        # address from the X-Forwarded-For the (one) trusted proxy sets. Leave 0 when clients
        # connect directly, or anyone could claim any address.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        # Behind HTTPS a browser must never again try the site over plain HTTP (a café's Wi-Fi could
        # then read the session); off by default, since an intranet box often serves HTTP only.
        "HSTS": https,
        "WTF_CSRF_TIME_LIMIT": None,  # volunteers leave a form open for hours
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "8")) * 1024 * 1024,
        # Shared by every worker of this machine (app/core/limitstore.py); several machines: Redis.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or limitstore.default_uri(instance_path),
        "RATELIMIT_HEADERS_ENABLED": False,
        # Logins (app/auth/throttle.py): a generous flat limit per address (an office shares one
        # behind NAT), and per address + username a growing wait: after LOGIN_FREE_ATTEMPTS
        # failures, LOGIN_DELAY_SECONDS, doubling with each further failure, at most
        # LOGIN_DELAY_MAX_SECONDS. Never per username alone: a stranger cannot lock anyone out.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute"),
        # The bank's live feed (app.banking.webhook): notifications per sending address.
        "BANK_HOOK_RATE_LIMIT": os.environ.get("BANK_HOOK_RATE_LIMIT", "120 per minute"),
        # Where people reach the site, printed beside every paper's verification QR (app.papers.site):
        # "https://khuyenhoc.laivung.vn". Empty: the address the request came in on.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # The public verification page (app.papers): lookups per address.
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "30 per minute"),
        "LOGIN_FREE_ATTEMPTS": int(os.environ.get("LOGIN_FREE_ATTEMPTS", "5")),
        "LOGIN_DELAY_SECONDS": int(os.environ.get("LOGIN_DELAY_SECONDS", "60")),
        "LOGIN_DELAY_MAX_SECONDS": int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "900")),
        "VN_TIMEZONE": os.environ.get("APP_TIMEZONE", "Asia/Ho_Chi_Minh"),
        "PAGE_SIZE": 50,
        # The books' bounds (app.core.books): the largest single amount in đồng (100 tỷ), and entry
        # dates from BOOKS_EARLIEST_DATE to today + BOOKS_DAYS_AHEAD days.
        "MAX_AMOUNT": int(os.environ.get("MAX_AMOUNT", "100000000000")),
        "BOOKS_EARLIEST_DATE": date.fromisoformat(os.environ.get("BOOKS_EARLIEST_DATE", "2000-01-01")),
        "BOOKS_DAYS_AHEAD": int(os.environ.get("BOOKS_DAYS_AHEAD", "31")),
        "REPORTS_CACHE": os.environ.get("REPORTS_CACHE", "1") == "1",
        "REPORTS_CACHE_SIZE": int(os.environ.get("REPORTS_CACHE_SIZE", "2000")),
        # SQLite writers wait their turn in arrival order (app.core.writequeue); past the timeout a
        # request answers "máy chủ đang bận" instead of hanging. WRITE_QUEUE=0: SQLite's busy handler.
        "WRITE_QUEUE": os.environ.get("WRITE_QUEUE", "1") == "1",
        "WRITE_QUEUE_SECONDS": float(os.environ.get("WRITE_QUEUE_SECONDS", "10")),
        # Static URLs carry a content hash (see core/templating.asset), so a year is safe.
        "SEND_FILE_MAX_AGE_DEFAULT": 31536000,
        # Pages and static text go out compressed: a 35 KB list is 3 KB over slow mobile data.
        # BREACH (guessing a secret from compressed sizes) needs the victim's browser to send many
        # logged-in requests carrying the attacker's text; SameSite=Lax cookies are not sent on the
        # cross-site sub-requests that would take, so those requests only ever see the login page.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip", "deflate"],  # static files are sent streamed
        "COMPRESS_LEVEL": 6,
        "COMPRESS_BR_LEVEL": 4,
        "COMPRESS_MIN_SIZE": 1024,
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "image/svg+xml", "text/csv", "application/json"],
        "COMPRESS_REGISTER": os.environ.get("COMPRESS", "1") == "1",
    }
