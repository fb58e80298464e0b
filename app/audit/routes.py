"""Reading the audit log (admins and auditors)."""
from flask import Blueprint, current_app, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms import StringField

from app.core.authz import authorize
from app.core.export import export_table
from app.core.fields import SelectField
from app.core.forms import BaseForm
from app.core.views import page_number, render
from app.extensions import db
from app.vn.dates import DEFAULT_TZ, local_datetime

from .labels import ACTION_LABELS, OBJECT_LABELS
from .models import AuditEntry
from .services import scoped_query

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky")


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = SelectField("Thao tác")
    object_type = SelectField("Đối tượng")
    username = StringField("Người thực hiện")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per request, not at import: every domain registers its labels while the app is built,
        # after this module was imported (app.audit.labels).
        self.action.choices = [("", "Mọi thao tác")] + list(ACTION_LABELS.items())
        self.object_type.choices = list(OBJECT_LABELS.items())


def filtered_log(args):
    """(filter form, select) of the log page and its export: one reading of the filters."""
    filters = AuditFilterForm(args)
    return filters, scoped_query(current_user, action=filters.action.data or "",
                                 username=filters.username.data or "", object_type=filters.object_type.data or "")


def _changes(values: dict | None) -> str:
    return "; ".join(f"{k}={v}" for k, v in (values or {}).items())


@bp.get("/")
@login_required
def index():
    authorize("audit.view")
    filters, stmt = filtered_log(request.args)
    pagination = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render("audit/index.html", partial="audit/_rows.html", filters=filters, pagination=pagination,
                  ACTION_LABELS=ACTION_LABELS, OBJECT_LABELS=OBJECT_LABELS)


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The log (same filters and scope as the page) as .xlsx, or CSV with ?format=csv; newest first,
    read in batches (the log of a province is long)."""
    authorize("audit.view")
    _, stmt = filtered_log(request.args)
    tz = current_app.config.get("VN_TIMEZONE", DEFAULT_TZ)
    rows = ((local_datetime(e.at, tz), e.username or "", ACTION_LABELS.get(e.action, e.action),
             OBJECT_LABELS.get(e.object_type, e.object_type), e.object_id, e.unit.name if e.unit else "",
             _changes(e.before), _changes(e.after))
            for e in db.session.scalars(stmt.options(selectinload(AuditEntry.unit)).execution_options(yield_per=2000)))
    return export_table("Nhật ký thao tác.xlsx", ["Thời điểm", "Người thực hiện", "Thao tác", "Đối tượng",
                                                  "Mã đối tượng", "Đơn vị", "Trước khi sửa", "Sau khi sửa"],
                        rows, sheet_title="Nhật ký")
