"""The backups page: what was backed up and when, and the latest backup to download."""
from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user, login_required

from app.core.views import render

from . import services
from .access import authorize_backups

bp = Blueprint("backups", __name__, url_prefix="/sao-luu")


@bp.get("/")
@login_required
def index():
    """The list of backups (newest first) with the retention setting and how to restore."""
    authorize_backups()
    backups = services.list_backups()
    return render("backups/index.html", partial="backups/_list.html", backups=backups,
                  latest=services.latest(), keep_days=services.keep_days(),
                  keep_at_least=services.KEEP_AT_LEAST)


@bp.get("/tai-ve")
@login_required
def download():
    """The newest daily or manual backup as an attachment; each download is audit-logged."""
    authorize_backups()
    backup = services.latest()
    if backup is None:
        abort(404)
    services.note_download(backup, current_user.unit_id)
    mimetype = "application/vnd.sqlite3" if backup.engine == "sqlite" else "application/octet-stream"
    current_app.logger.info("backup %s downloaded by %s", backup.name, current_user.username)
    # From the backup directory, or streamed from the bucket (BACKUP_STORE) whichever node answers.
    return send_file(services.open_backup(backup), mimetype=mimetype, as_attachment=True,
                     download_name=backup.name, max_age=0)


__all__ = ["bp"]
