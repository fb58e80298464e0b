"""Backups: `flask backup` / `flask restore`, the daily automatic backup, the admins' download page.

services.py holds the rules (consistent copy, checks, retention, restore); sqlite.py and
postgres.py the engine-specific copying; tasks.py the daily task in the print worker.
"""


def init_app(app):
    from app.audit.services import register_labels

    from .cli import register_cli
    from .routes import bp
    from .tasks import register_tasks

    register_labels({"download": "Tải bản sao lưu", "restore": "Khôi phục dữ liệu"}, {"backup": "Bản sao lưu"})
    app.register_blueprint(bp)

    @app.context_processor
    def _backups_ctx():
        from flask_login import current_user

        from .access import sees_whole_database

        return {"can_download_backups": lambda: sees_whole_database(current_user)}

    register_cli(app)
    register_tasks(app)
