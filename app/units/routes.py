"""Unit tree pages. Views load, check, call one service, answer."""
from flask import Blueprint, flash, request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, get_or_404
from app.core.export import export_table
from app.core.views import attempt, confirm_action, form_page, go, render
from app.members.counts import BRANCH_KINDS
from app.vn.text import fold

from . import services
from .forms import ConfirmForm, MoveForm, UnitEditForm, UnitForm
from .models import UNIT_KINDS, Unit

bp = Blueprint("units", __name__, url_prefix="/don-vi")


def units_matching(q: str, args) -> list[Unit]:
    """The user's unit and everything under it in tree order, those whose name holds `q`
    (without diacritics): the list page and its export. The organisation counts
    (app.members.counts) link here with `duoi` (the units strictly under a unit in scope), `loai`
    (a kind) and `trang_thai=hoat-dong` (active only)."""
    below = args.get("duoi", type=int)
    root = get_or_404(Unit, below) if below else current_user.unit
    units = services.subtree(root)
    if below:
        units = [u for u in units if u.id != root.id]
    if (kind := args.get("loai", "")) in UNIT_KINDS:
        units = [u for u in units if u.kind == kind]
    elif kind == "chi-hoi":  # every kind of chi hội and ban (not the levels above them)
        units = [u for u in units if u.kind in BRANCH_KINDS]
    if args.get("trang_thai") == "hoat-dong":
        units = [u for u in units if u.active]
    if q.strip():
        key = fold(q)
        units = [u for u in units if key in u.search_key]
    return units


@bp.get("/")
@login_required
def index():
    authorize("view")
    q = request.args.get("q", "")
    return render("units/index.html", partial="units/_rows.html", units=units_matching(q, request.args), q=q,
                  root=current_user.unit, user_counts=services.active_user_counts())


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The unit list (same search as the page) as .xlsx, or CSV with ?format=csv."""
    authorize("view")
    counts = services.active_user_counts()
    rows = ((u.name, u.kind_label, u.parent.name if u.parent else "", u.address, counts.get(u.id, 0),
             "Đang hoạt động" if u.active else "Ngừng hoạt động")
            for u in units_matching(request.args.get("q", ""), request.args))
    return export_table("Danh sách đơn vị.xlsx", ["Tên đơn vị", "Loại", "Đơn vị cấp trên", "Địa chỉ",
                                                  "Số người dùng", "Trạng thái"], rows, sheet_title="Đơn vị")


@bp.get("/<int:unit_id>")
@login_required
def detail(unit_id):
    unit = get_or_404(Unit, unit_id)
    return render("units/detail.html", unit=unit, users=services.users_of(unit),
                  children=sorted(unit.children, key=lambda u: u.search_key))


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create():
    authorize("unit.manage")
    form = UnitForm(parent_id=request.args.get("cap_tren", type=int))
    form.parent_id.choices = services.scope_choices(current_user.unit)
    if form.validate_on_submit():
        parent = get_or_404(Unit, form.parent_id.data, "unit.manage")
        if answer := attempt(form, lambda: services.create_unit(parent, form.name.data, form.kind.data,
                                                                form.address.data),
                             url=lambda unit: url_for(".detail", unit_id=unit.id),
                             success=lambda unit: f"Đã tạo đơn vị “{unit.name}”."):
            return answer
    return form_page("units/form.html", "units/_form.html", form, title="Thêm đơn vị",
                     action=url_for(".create"))


@bp.route("/<int:unit_id>/sua", methods=["GET", "POST"])
@login_required
def edit(unit_id):
    unit = get_or_404(Unit, unit_id, "unit.manage")
    form = UnitEditForm(obj=unit)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.update_unit(unit, form.name.data, form.kind.data, form.address.data),
            url=url_for(".detail", unit_id=unit.id), success="Đã lưu thay đổi.")):
        return answer
    return form_page("units/form.html", "units/_form.html", form, title=f"Sửa: {unit.name}",
                     action=url_for(".edit", unit_id=unit.id), unit=unit)


@bp.route("/<int:unit_id>/chuyen", methods=["GET", "POST"])
@login_required
def move(unit_id):
    unit = get_or_404(Unit, unit_id, "unit.manage")
    if unit.id == current_user.unit_id:
        return _not_own_unit(unit, "Không thể chuyển đơn vị của chính bạn.")
    form = MoveForm(parent_id=unit.parent_id)
    form.parent_id.choices = [c for c in services.scope_choices(current_user.unit)
                              if c[0] != unit.id]
    if form.validate_on_submit():
        new_parent = get_or_404(Unit, form.parent_id.data, "unit.manage")
        if answer := attempt(form, lambda: services.move_unit(unit, new_parent),
                             url=url_for(".detail", unit_id=unit.id),
                             success=f"Đã chuyển “{unit.name}” về “{new_parent.name}”."):
            return answer
    return form_page("units/move.html", "units/_move_form.html", form, unit=unit)


@bp.route("/<int:unit_id>/trang-thai", methods=["GET", "POST"])
@login_required
def toggle_active(unit_id):
    """Deactivate or reactivate; GET is the confirmation page for browsers without JavaScript."""
    unit = get_or_404(Unit, unit_id, "unit.manage")
    if unit.id == current_user.unit_id:
        return _not_own_unit(unit, "Không thể ngừng hoạt động đơn vị của chính bạn.")
    form = ConfirmForm()
    return confirm_action(form, lambda: services.set_active(unit, not unit.active),
                          back=url_for(".detail", unit_id=unit.id),
                          success=lambda done: "Đã kích hoạt lại đơn vị." if done.active
                          else "Đã ngừng hoạt động đơn vị.") \
        or render("units/confirm_toggle.html", unit=unit, form=form)


def _not_own_unit(unit, message: str):
    """A user may not move or deactivate the unit they belong to: back to its page with why."""
    flash(message, "error")
    return go(url_for(".detail", unit_id=unit.id))
