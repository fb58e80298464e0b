from flask import Blueprint
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.core.authz import authorize
from app.core.views import render
from app.extensions import db
from app.units.models import Unit
from app.users.models import User

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    authorize("view")
    root = current_user.unit
    in_scope = Unit.path.startswith(root.path)
    unit_count = db.session.scalar(select(func.count()).select_from(Unit).where(in_scope, Unit.active.is_(True)))
    user_count = db.session.scalar(
        select(func.count()).select_from(User).join(User.unit).where(in_scope, User.active.is_(True)))
    return render("dashboard/index.html", unit=root, unit_count=unit_count, user_count=user_count)
