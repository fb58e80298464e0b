"""Who may take a backup away: an admin whose scope is the whole database.

A backup holds every unit's books and every household's children. An admin of one commune may
manage that commune, but must not download its neighbours' data, so the role alone is not
enough: every unit in the database must lie in the user's scope.
"""
from flask import abort
from flask_login import current_user

from app.core.authz import authorize, can, covers_all_units


def sees_whole_database(user) -> bool:
    return can(user, "backup.download") and user.unit is not None and covers_all_units(user.unit)


def authorize_backups() -> None:
    """403 unless the current user may download backups (the role first, then the scope)."""
    authorize("backup.download")
    if not sees_whole_database(current_user):
        abort(403)
