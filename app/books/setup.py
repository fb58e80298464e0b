"""Wiring of the books check into the app: models, the findings page, `flask books-check`,
the nightly task and the dashboard panel (called from app.books.init_app)."""
from app.core.actor import actor

from . import runs


def init_app(app) -> None:
    from . import models  # noqa: F401  (the table is part of the metadata)
    from .cli import register_cli
    from .routes import bp
    from .tasks import register_tasks  # heavy: loaded when first needed

    app.register_blueprint(bp)
    register_cli(app)
    register_tasks(app)

    @app.context_processor
    def _books_ctx():
        return {"books_check_panel": _panel}


def _panel():
    """(findings visible to the current admin, the latest run) for the dashboard, or None for others."""
    user = actor()
    if user is None or not user.has_role("admin"):
        return None

    run = runs.latest()
    return {"run": run, "count": len(runs.visible(run, user))}
