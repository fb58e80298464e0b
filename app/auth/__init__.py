"""Auth domain: sessions, login rate limits, the first admin."""
import click
from flask import flash, g, redirect, request, url_for
from flask_login import current_user, login_url

from app.extensions import db, login_manager


@login_manager.user_loader
def load_user(login_id: str):
    from app.users.models import User

    try:
        user_id, version = (int(part) for part in login_id.split(":"))
    except (ValueError, AttributeError):
        return None
    from sqlalchemy.orm import joinedload

    from app.core import rls

    # Before anyone is known there is no scope: the account and its unit are read crossing units,
    # then the rest of the request sees the user's unit and below (app/core/rls.py).
    with rls.cross_units("the user loader reads the signed-in account before any scope exists"):
        # Roles in the same statement: every request reads them, one query fewer each time.
        user = db.session.get(User, user_id, options=[joinedload(User.role_rows)])
    if user is None or not user.active or user.session_version != version:
        return None
    from app.core.authz import covers_all_units

    whole = rls.enabled() and user.unit.parent_id is None and covers_all_units(user.unit)
    rls.enter_user_scope(user.unit.path, whole=whole)
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """Flask-Login's own answer, minus its "please sign in" when the expiry note is already shown."""
    if not g.get("session_expired"):
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


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
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in {"auth.change_password", "auth.logout", "static"}):
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
