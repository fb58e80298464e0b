"""Things every template can use: `can()`, role labels, hashed static URLs."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import url_for
from flask_login import current_user

from app.core.authz import ROLE_LABELS, can


def init_app(app):
    static_root = Path(app.static_folder)

    @lru_cache(maxsize=128)
    def _digest(filename: str) -> str:
        try:
            return hashlib.sha256((static_root / filename).read_bytes()).hexdigest()[:10]
        except OSError:
            return "0"

    def asset(filename: str) -> str:
        """A static URL that changes when the file does, so it can be cached for a year."""
        digest = _digest(filename) if not app.debug else "dev"
        return url_for("static", filename=filename, v=digest)

    @app.context_processor
    def _ctx():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "ROLE_LABELS": ROLE_LABELS,
            "asset": asset,
            "has_endpoint": lambda name: name in app.view_functions,
        }
