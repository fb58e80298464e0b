"""Account pages for admins, and the printable user list."""

from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.authz import ROLE_LABELS, authorize, get_or_404
from app.core.export import export_table
from app.core.views import attempt, confirm_action, form_page, page_number, render
from app.extensions import db
from app.units.forms import ConfirmForm
from app.units.models import Unit
from app.units.services import scope_choices

from . import services
from .forms import ResetPasswordForm, UserCreateForm, UserEditForm, UserFilterForm
from .models import User

bp = Blueprint("users", __name__, url_prefix="/nguoi-dung")


def filtered_users(args):
    """(filter form, select) of the user list and its export: one reading of the filters."""
    filters = UserFilterForm(args)
    return filters, services.users_in_scope(current_user.unit, q=filters.q.data or "", role=filters.role.data or "",
                                            include_inactive=bool(filters.inactive.data))


@bp.get("/")
@login_required
def index():
    authorize("user.manage")
    filters, stmt = filtered_users(request.args)
    pagination = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render("users/index.html", partial="users/_rows.html", filters=filters, pagination=pagination)


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The user list (same filters as the page, administrators only) as .xlsx, or CSV with ?format=csv."""
    authorize("user.manage")
    _, stmt = filtered_users(request.args)
    rows = ((u.full_name, u.username, ", ".join(ROLE_LABELS.get(r, r) for r in u.roles), u.unit.name, u.phone,
             "Đang hoạt động" if u.active else "Đã khóa") for u in db.session.scalars(stmt))
    return export_table("Danh sách người dùng.xlsx", ["Họ và tên", "Tên đăng nhập", "Vai trò", "Đơn vị",
                                                      "Điện thoại", "Trạng thái"], rows, sheet_title="Người dùng")


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create():
    authorize("user.manage")
    form = UserCreateForm(unit_id=request.args.get("don_vi", type=int))
    form.unit_id.choices = scope_choices(current_user.unit)
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "user.manage")
        if answer := attempt(form, lambda: services.create_user(
                username=form.username.data, full_name=form.full_name.data, unit=unit, roles=form.roles.data,
                password=form.password.data, phone=form.phone.data),
                url=lambda user: url_for(".detail", user_id=user.id),
                success=lambda user: f"Đã tạo tài khoản “{user.username}”. Người dùng sẽ phải đổi mật khẩu khi "
                                     "đăng nhập lần đầu."):
            return answer
    return form_page("users/form.html", "users/_form.html", form, title="Thêm người dùng",
                     action=url_for(".create"))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def detail(user_id):
    user = get_or_404(User, user_id, "user.manage")
    form = UserEditForm(obj=user)
    form.unit_id.choices = scope_choices(current_user.unit)
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "user.manage")
        if answer := attempt(form, lambda: services.update_user(
                user, actor=current_user, full_name=form.full_name.data, unit=unit, roles=form.roles.data,
                phone=form.phone.data), url=url_for(".detail", user_id=user.id), success="Đã lưu thay đổi."):
            return answer
    return form_page("users/form.html", "users/_form.html", form, title=f"Tài khoản: {user.username}",
                     action=url_for(".detail", user_id=user.id), user=user)


@bp.route("/<int:user_id>/dat-lai-mat-khau", methods=["GET", "POST"])
@login_required
def reset_password(user_id):
    user = get_or_404(User, user_id, "user.manage")
    form = ResetPasswordForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.reset_password(user, form.password.data), url=url_for(".detail", user_id=user.id),
            success=f"Đã đặt lại mật khẩu cho “{user.username}”. Hãy báo mật khẩu này trực tiếp cho người dùng.")):
        return answer
    return form_page("users/reset_password.html", "users/_reset_form.html", form, user=user)


@bp.route("/<int:user_id>/trang-thai", methods=["GET", "POST"])
@login_required
def toggle_active(user_id):
    """Lock or unlock an account; GET is the confirmation page without JavaScript."""
    user = get_or_404(User, user_id, "user.manage")
    form = ConfirmForm()
    return confirm_action(form, lambda: services.set_active(user, not user.active, current_user),
                          back=url_for(".detail", user_id=user.id),
                          success=lambda done: "Đã mở khóa tài khoản." if done.active else "Đã khóa tài khoản.") \
        or render("users/confirm_toggle.html", user=user, form=form)


@bp.get("/danh-sach.pdf")
@login_required
def print_list():
    """Danh sách người dùng of a unit and everything under it, sorted the Vietnamese way."""
    unit = get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), "user.manage")
    from app.printing.services import pdf_response, render_pdf  # heavy: loaded when first needed

    users = db.session.scalars(services.users_in_scope(unit)).all()
    pdf = render_pdf("pdf/users/list.html", unit=unit, users=users, today=clock.today())
    return pdf_response(pdf, f"Danh sách người dùng - {unit.name}.pdf")
