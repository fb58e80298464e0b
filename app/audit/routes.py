"""Reading the audit log (admins and auditors)."""
from flask import Blueprint, request
from flask_login import current_user, login_required
from wtforms import SelectField, StringField

from app.core.authz import authorize
from app.core.forms import BaseForm
from app.core.views import page_number, render
from app.extensions import db

from .services import ACTION_LABELS, scoped_query

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky")

OBJECT_LABELS = {"": "Mọi đối tượng", "unit": "Đơn vị", "user_account": "Người dùng", "request": "Truy cập"}


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = SelectField("Thao tác", choices=[("", "Mọi thao tác")] + list(ACTION_LABELS.items()))
    object_type = SelectField("Đối tượng", choices=list(OBJECT_LABELS.items()))
    username = StringField("Người thực hiện")


@bp.get("/")
@login_required
def index():
    authorize("audit.view")
    filters = AuditFilterForm(request.args)
    stmt = scoped_query(current_user, action=filters.action.data or "",
                        username=filters.username.data or "", object_type=filters.object_type.data or "")
    pagination = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render("audit/index.html", partial="audit/_rows.html", filters=filters, pagination=pagination,
                  ACTION_LABELS=ACTION_LABELS, OBJECT_LABELS=OBJECT_LABELS)
