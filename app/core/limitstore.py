"""A rate-limit store the web workers of one machine share: a small SQLite file in the instance folder.

The login limits (app/auth/throttle.py) are only exact when every worker counts in the same store.
Kept in memory, each gunicorn worker kept its own counts, so the embedded default ran one worker
and Python used one core of the box. This file (`<instance>/ratelimits.db`, named by
`RATELIMIT_STORAGE_URI=skh-sqlite://<path>`) is the default store, so `make run` serves with several
workers and the counts stay exact. Several machines share Redis instead (deploy/).

It is its own file, not a table of the app's database: a login attempt must not queue behind the
app's writers (app.core.writequeue), and on PostgreSQL the counts would sit under the row policies.
Each operation is one short transaction; rows past their expiry read as absent and are swept now
and then by the writes.
"""
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

SCHEME = "skh-sqlite"
SWEEP_EVERY = 200  # writes between two deletions of expired rows


class SQLiteStorage(Storage):
    """limits' fixed-window storage (incr, get, get_expiry, clear, reset, check) in one SQLite file."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(uri.split("://", 1)[1])
        self._local = threading.local()
        self._writes = 0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        # One connection per thread (a gthread worker's threads); each process opens its own.
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a lost count after a power cut is harmless
            conn.execute("CREATE TABLE IF NOT EXISTS rate_limit (key TEXT PRIMARY KEY, count INTEGER NOT NULL,"
                         " expires_at REAL NOT NULL)")
            self._local.conn = conn
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to key's count; a key absent or expired starts again and expires in `expiry` s."""
        now = time.time()
        conn = self._db()
        conn.execute("BEGIN IMMEDIATE")  # read and write in one turn: two workers never lose a count
        try:
            row = conn.execute("SELECT count, expires_at FROM rate_limit WHERE key = ?", (key,)).fetchone()
            if row is None or row[1] <= now:
                count, expires = amount, now + expiry
            else:
                count, expires = row[0] + amount, row[1]
            conn.execute("INSERT INTO rate_limit (key, count, expires_at) VALUES (?, ?, ?) ON CONFLICT (key)"
                         " DO UPDATE SET count = excluded.count, expires_at = excluded.expires_at",
                         (key, count, expires))
            self._writes += 1
            if self._writes % SWEEP_EVERY == 0:
                conn.execute("DELETE FROM rate_limit WHERE expires_at <= ?", (now,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return count

    def _row(self, key: str):
        row = self._db().execute("SELECT count, expires_at FROM rate_limit WHERE key = ?", (key,)).fetchone()
        return row if row is not None and row[1] > time.time() else None

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM rate_limit").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM rate_limit WHERE key = ?", (key,))


def default_uri(instance_path: str) -> str:
    """The store's URI for this instance folder: skh-sqlite:// and the file's absolute path."""
    return f"{SCHEME}://{(Path(instance_path) / 'ratelimits.db').resolve()}"
