"""Auth domain: sessions, login rate limits, the first admin."""
import functools

import click
from flask import flash, g, redirect, request, url_for
from flask_login import current_user, login_url

from app.extensions import db, login_manager


# user id -> (unit path, whole) the last time this process loaded that user: the scope the next
# load reads the account under, so the request's transaction begins in the scope it keeps (one
# set_config, not a crossing and then the user's unit). Only a guess, checked against the row read.
_scope_hints: dict[int, tuple[str, bool]] = {}
_HINTS_KEPT = 10_000


@login_manager.user_loader
def load_user(login_id: str):
    try:
        user_id, version = (int(part) for part in login_id.split(":"))
    except (ValueError, AttributeError):
        return None
    from app.core import rls

    user, whole = _read_user(user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    rls.enter_user_scope(user.unit.path, whole=whole)
    if _scope_hints.get(user_id) != (user.unit.path, whole):
        if len(_scope_hints) >= _HINTS_KEPT:
            _scope_hints.clear()
        _scope_hints[user_id] = (user.unit.path, whole)
    return user


@functools.cache
def _user_options() -> tuple:
    """Roles in the same statement: every request reads them, one query fewer each time (the
    option built once: it is immutable, and building it walks the mapper)."""
    from sqlalchemy.orm import joinedload

    from app.users.models import User

    return (joinedload(User.role_rows),)


def _read_user(user_id: int):
    """(the account with its roles and unit, whether its unit's subtree is the whole database), read
    before any scope exists (app/core/rls.py).

    Under the scope this process last saw the user in, when it has one: the account is then read
    under no more than its own unit's subtree (its row is in it unless the user moved since). When
    it is not found there (first sight, moved, or gone), the account is read crossing units. The
    scope the rest of the request sees comes from the row read either way, never from the guess.
    `whole` is asked in the same scope, so a right guess leaves nothing to send again."""
    from app.core import rls
    from app.users.models import User

    hint = _scope_hints.get(user_id)
    if hint is not None:
        with rls.user_scope(hint[0], whole=hint[1]):
            user = db.session.get(User, user_id, options=_user_options())
            if user is not None:
                return user, _whole(user)
    with rls.cross_units("the user loader reads the signed-in account before any scope exists"):
        user = db.session.get(User, user_id, options=_user_options())
        return user, user is not None and _whole(user)


def _whole(user) -> bool:
    from app.core import rls
    from app.core.authz import covers_all_units

    return rls.enabled() and user.unit.parent_id is None and covers_all_units(user.unit)


@login_manager.unauthorized_handler
def unauthorized():
    """Flask-Login's own answer, minus its "please sign in" when the expiry note is already shown."""
    if not g.get("session_expired"):
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


_PASSWORD_CHANGE_EXEMPT = frozenset({"auth.change_password", "auth.logout", "static"})


def init_app(app):
    from .routes import bp

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)

    @app.before_request
    def _session_lifetime():
        """An idle or too old session ends here, before anything reads the signed-in user."""
        if request.endpoint != "static":
            from . import sessions

            sessions.check()

    @app.before_request
    def _force_password_change():
        """A password set by an admin is a one-time password: change it before anything else."""
        if request.endpoint in _PASSWORD_CHANGE_EXEMPT:
            return None  # before current_user: a static file is sent without reading the account
        if current_user.is_authenticated and current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        return None

    @app.cli.command("create-admin")
    @click.option("--username", prompt="Tên đăng nhập")
    @click.option("--full-name", prompt="Họ và tên")
    @click.option("--unit", "unit_name", prompt="Tên đơn vị gốc (Hội Khuyến học tỉnh/xã)")
    @click.password_option("--password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu")
    def create_admin(username, full_name, unit_name, password):
        """Create the first administrator (and the root unit if the database has none)."""
        from sqlalchemy import select

        from app.core.db import write_mode
        from app.units.models import Unit
        from app.units.services import create_unit
        from app.users.services import UserError, create_user
        from app.vn.text import fold

        with write_mode():
            unit = db.session.scalar(select(Unit).where(Unit.search_key == fold(unit_name)))
            if unit is None:
                unit = create_unit(None, unit_name, "province" if "tinh" in fold(unit_name) else "commune")
            try:
                create_user(username=username, full_name=full_name, unit=unit, role="admin",
                            password=password, must_change_password=False)
            except UserError as err:
                db.session.rollback()
                raise click.ClickException(str(err))
            db.session.commit()
        click.echo(f"Đã tạo quản trị viên “{username}” cho “{unit.name}”.")
