"""Things every template can use: `can()`, role labels, hashed static URLs."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import has_request_context, request, url_for
from flask_login import current_user

from app.core import nav
from app.core.authz import ROLE_LABELS, can, who_can


def init_app(app):
    static_root = Path(app.static_folder)

    @lru_cache(maxsize=128)
    def _digest(filename: str) -> str:
        try:
            return hashlib.sha256((static_root / filename).read_bytes()).hexdigest()[:10]
        except OSError:
            return "0"

    assets: dict[tuple[str, str], str] = {}

    def asset(filename: str) -> str:
        """A static URL that changes when the file does, so it can be cached for a year (built once
        per file and script root: every page links the same three)."""
        if app.debug or not has_request_context():
            return url_for("static", filename=filename, v="dev")
        key = (request.script_root, filename)
        url = assets.get(key)
        if url is None:
            url = assets[key] = url_for("static", filename=filename, v=_digest(filename))
        return url

    def action_help(action: str, obj=None):
        """For the `who_can` macro: None when the user may take the action, else who may
        (Vietnamese) and whether this user can grant a role (an admin)."""
        if can(current_user, action, obj):
            return None
        return {"who": who_can(action), "grant": can(current_user, "user.manage")}

    # A global, not a context variable: macros imported without context see it too.
    app.jinja_env.globals["action_help"] = action_help

    @app.context_processor
    def _ctx():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "ROLE_LABELS": ROLE_LABELS,
            "asset": asset,
            "has_endpoint": lambda name: name in app.view_functions,
            "nav_section": nav.section,
            "nav_menu": nav.menu,
            "nav_link": nav.link,
        }
