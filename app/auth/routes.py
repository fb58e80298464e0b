"""Login, logout and password change."""
from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.audit.services import record_refusal
from app.core import db as core_db
from app.core import rls
from app.core.errors import error_page
from app.core.views import attempt, form_page, go
from app.extensions import db, limiter
from app.users import services as user_services
from app.users.models import User

from . import sessions, throttle
from .forms import ChangePasswordForm, LoginForm, LogoutForm
from .passwords import password_matches
from .safe_next import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])  # per address only: see app/auth/throttle.py
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.lower()
        wait = throttle.wait_seconds(username)
        if wait:
            # Before the password is looked at: a guess during the wait learns nothing.
            record_refusal(429, request.method, request.path)
            resp, code = error_page(429, throttle.wait_message(wait))
            return resp, code, {"Retry-After": str(wait)}
        # Nobody is signed in yet: the account is found by its name and the attempt noted crossing
        # units (app/core/rls.py); after login_user the redirect reads nothing more.
        with rls.cross_units("sign-in: the account is looked up by name before anyone is known"):
            user = db.session.scalar(select(User).where(User.username == username))
            # Always one hash check, a dummy one for an unknown name: timing tells no names apart.
            if password_matches(user, form.password.data) and user.active:
                # Not a form write (nothing the user typed is saved): the login is noted before the
                # session starts, and a failed one below even though the form is refused.
                with core_db.writing():  # the read so far ends; the write takes its turn
                    user_services.note_login(user)
                throttle.note_success(username)
                sessions.start()
                login_user(user)
                return go(safe_next(request.args.get("next")))
            with core_db.writing():
                user_services.note_failed_login(username, user)
        form.form_errors.append("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
        wait = throttle.note_failure(username)
        if wait:
            form.form_errors.append(throttle.wait_message(wait))
        form.password.data = ""
    return form_page("auth/login.html", "auth/_login_form.html", form)


@bp.post("/dang-xuat")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        from app.audit.services import record

        # Session handling, not a form write (no attempt()): the user is logged out even when the
        # form is stale. Ending this user's every session: a copied cookie is worthless from now on.
        with core_db.writing():
            user = db.session.get(User, current_user.id)
            user.session_version += 1
            record("logout", user)
    logout_user()
    sessions.end()
    flash("Bạn đã đăng xuất.", "success")
    return go(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        if answer := attempt(form, lambda: user_services.change_own_password(user, form.current.data,
                                                                             form.password.data),
                             url=url_for("dashboard.index"), success="Đã đổi mật khẩu."):
            login_user(user)  # this session carries the new version; all others end
            return answer
    return form_page("auth/change_password.html", "auth/_change_password_form.html", form)
