"""How long a signed-in session lasts: an idle timeout and an absolute lifetime.

The session is Flask's signed cookie, so the server keeps nothing: the cookie carries when the user
signed in (`login_at`) and when they were last seen (`seen_at`), both Unix seconds, and every request
checks them against SESSION_IDLE_HOURS and SESSION_MAX_DAYS (app/config.py). `seen_at` is rewritten
at most every SESSION_TOUCH_SECONDS, so an ordinary page view does not send a new cookie each time.
A signed-in session without `login_at` (signed before this rule, or restored some other way) is
treated as expired. The app sets no remember-me cookie; one would restore a session without
`login_at`, which the next request ends, so it obeys the same limits.

Signing in and out also drops the CSRF secret, so a token taken before login is refused after it.
"""
import time

from flask import current_app, flash, g, session

EXPIRED_MESSAGE = "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."
LOGIN_AT, SEEN_AT = "login_at", "seen_at"


def now() -> float:
    """The clock sessions are timed with (tests replace it)."""
    return time.time()


def _new_csrf_secret() -> None:
    # Flask-WTF keeps its secret in the session and caches the signed token in g for the request.
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def start() -> None:
    """Call when a user has just proved who they are (before or after login_user)."""
    _new_csrf_secret()
    session[LOGIN_AT] = session[SEEN_AT] = int(now())


def end() -> None:
    """Call on logout and on expiry: nothing of the signed-in session survives in the cookie."""
    _new_csrf_secret()
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)


def _limits() -> tuple[float, float]:
    cfg = current_app.config
    return float(cfg.get("SESSION_IDLE_HOURS", 8)) * 3600, float(cfg.get("SESSION_MAX_DAYS", 7)) * 86400


def expired() -> bool:
    """Whether the signed-in session in this request's cookie has outlived its idle or absolute limit."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    idle, lifetime = _limits()
    t = now()
    return t - seen_at > idle or t - login_at > lifetime


def touch() -> None:
    """Note that the user is still here, rewriting the cookie only every few minutes."""
    t = int(now())
    if t - session.get(SEEN_AT, 0) >= int(current_app.config.get("SESSION_TOUCH_SECONDS", 300)):
        session[SEEN_AT] = t


def check() -> None:
    """Before each request: end an expired session (the user then meets the login page with a note)."""
    if "_user_id" not in session:
        return
    if expired():
        from flask_login import logout_user

        logout_user()
        end()
        g.session_expired = True
        flash(EXPIRED_MESSAGE, "info")
        return
    touch()
