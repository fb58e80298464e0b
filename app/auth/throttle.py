"""Login throttling that slows a guesser without locking the real person out.

Two guards, neither of which a stranger can use against someone else:
- per address: a generous flat limit on login POSTs (LOGIN_RATE_LIMIT, Flask-Limiter on the view),
  against one address spraying guesses over many usernames;
- per address + username: after LOGIN_FREE_ATTEMPTS failures, each further failure makes that pair
  wait LOGIN_DELAY_SECONDS, doubling each time up to LOGIN_DELAY_MAX_SECONDS. The count is kept for
  a day from its first failure; a successful login clears it.

Nothing is counted per username alone: five wrong passwords from one address must not keep the
account's owner out from another (issue 15, finding 4). The counters live in the limiter's own store
(RATELIMIT_STORAGE_URI: by default a SQLite file every worker of the machine shares,
app/core/limitstore.py; Redis for several machines), so they are exact wherever the limiter's limits
are, using only incr/get/clear, which every store implements. The wait is
measured with `now()` and stored as an end time, so tests can move the clock without sleeping.
"""
import hashlib
import math
import time

from flask import current_app, request

FAILURE_WINDOW = 24 * 3600  # seconds a failure count is remembered from its first failure


def now() -> float:
    """The clock the waits are measured with (tests replace it)."""
    return time.time()


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _storage():
    from app.extensions import limiter

    return limiter.storage


def _keys(username: str) -> tuple[str, str]:
    # Hashed: store keys stay short and key-safe for every backend, and hold no usernames.
    from app.vn.text import fold

    pair = f"{request.remote_addr or ''}\x00{fold(username or '')[:60]}"
    digest = hashlib.sha256(pair.encode("utf-8")).hexdigest()[:40]
    return f"login-failures/{digest}", f"login-wait-until/{digest}"


def wait_seconds(username: str) -> int:
    """Seconds this address must still wait before trying this username again (0: go ahead)."""
    if not _enabled():
        return 0
    _, until_key = _keys(username)
    left = _storage().get(until_key) - now()
    return math.ceil(left) if left > 0 else 0


def note_failure(username: str) -> int:
    """Count one failed login from this address for this username; the wait it now faces (0: none)."""
    if not _enabled():
        return 0
    cfg = current_app.config
    failures_key, until_key = _keys(username)
    store = _storage()
    failures = store.incr(failures_key, FAILURE_WINDOW)
    free = int(cfg.get("LOGIN_FREE_ATTEMPTS", 5))
    if failures < free:
        return 0
    delay = min(int(cfg.get("LOGIN_DELAY_SECONDS", 60)) * 2 ** min(failures - free, 20),
                int(cfg.get("LOGIN_DELAY_MAX_SECONDS", 900)))
    # The store keeps integers: the end of the wait as a Unix time, expiring soon after it.
    store.clear(until_key)
    store.incr(until_key, delay + 60, amount=int(now()) + delay)
    return delay


def note_success(username: str) -> None:
    """The right password from this address: its count for this username starts again."""
    if not _enabled():
        return
    store = _storage()
    for key in _keys(username):
        store.clear(key)


def wait_message(seconds: int) -> str:
    return f"Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {seconds} giây."
