"""The member register's pages: list and search, export, add (with the duplicate check), edit, the
member's page, ending membership (left or deceased), undoing a mistaken end and a return after leaving.

Every page reads the user's unit and the units below it; a member of another unit answers 404.
"""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core import idempotency
from app.core.authz import authorize, get_or_404, is_id
from app.core.clock import today
from app.core.export import export_table
from app.core.views import attach_error, attempt, form_page, is_htmx, page_number, render
from app.extensions import db
from app.reports import cache
from app.units.models import Unit
from app.units.services import scope_choices

from .. import dues_queries, queries, services, status
from ..forms import EndForm, MemberCreateForm, MemberFilterForm, MemberForm, RejoinForm, ReopenForm
from ..models import ACTIVE, Member
from . import bp

PER_PAGE = 40  # a page of cards on a phone; the pager and the total say how many more


def unit_choices(active_only: bool) -> list[tuple[int, str]]:
    """The user's unit tree for a select box, kept in the reports cache: a province's 500 units in
    Vietnamese order took 35-80 ms of every list page. Any change to the tree bumps the global
    version the entry is keyed on (units are `__counted__ = "tree"`)."""
    root = current_user.unit
    return cache.cached("members.unit_choices", root.id, (active_only,),
                        lambda: scope_choices(root, active_only=active_only))


def filtered_members(args):
    """(filter form, the unit whose subtree is listed, keyword filters for queries.member_query):
    one reading of the query string for the list and its export. Filters are read, not validated
    (a GET): a value no list could hold filters nothing; a unit outside the user's scope is 404."""
    filters = MemberFilterForm(args)
    unit_id = filters.unit_id.data if is_id(filters.unit_id.data) else None
    root = get_or_404(Unit, unit_id) if unit_id else current_user.unit
    status = queries.STATUS_ARGS.get(filters.status.data or "dang", ACTIVE)
    return filters, root, dict(
        q=filters.q.data or "", status=status, village=filters.village.data or "",
        occupation=filters.occupation.data or "", joined_in=queries.year_arg(filters.joined_in.data),
        ended_in=queries.year_arg(filters.ended_in.data), on_roll_in=queries.year_arg(filters.on_roll_in.data))


@bp.get("/")
@login_required
def index():
    """Members of the user's unit and below: search without diacritics, filters, Vietnamese order."""
    authorize("view")
    filters, root, found = filtered_members(request.args)
    pagination = queries.member_page(root, page_number(), PER_PAGE, **found)
    if not is_htmx():  # the unit picker is drawn on the whole page only (a province's tree took 35 ms)
        filters.unit_id.choices = [(0, "Mọi đơn vị")] + unit_choices(active_only=False)
    return render("members/index.html", partial="members/_rows.html", pagination=pagination, filters=filters)


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The filtered list (every page) as .xlsx, or CSV with ?format=csv: read in batches of 2,000,
    each member's unit joined in the same query."""
    authorize("view")
    _, root, found = filtered_members(request.args)
    items = db.session.scalars(queries.member_query(root, **found).execution_options(yield_per=2000))
    rows = ((i, m.number, m.full_name, m.ho, m.dem, m.ten, m.birth_year, m.gender_label if m.gender else "",
             m.occupation_label if m.occupation else "", m.village, m.address, m.phone, m.joined_on,
             m.status_label, m.ended_on, m.end_reason, m.note, m.unit.name)
            for i, m in enumerate(items, start=1))
    return export_table("Danh sách hội viên.xlsx",
                        ["STT", "Số thẻ", "Họ và tên", "Họ", "Tên đệm", "Tên", "Năm sinh", "Giới tính",
                         "Nhóm nghề nghiệp", "Thôn, tổ dân phố", "Địa chỉ", "Điện thoại", "Ngày vào hội",
                         "Trạng thái", "Ngày ra khỏi hội, từ trần", "Lý do", "Ghi chú", "Chi hội, ban"],
                        rows, "Hội viên")


def _fields(form: MemberForm) -> dict:
    return dict(name=form.name.data or "", birth_year=form.birth_year.data or None, gender=form.gender.data or "",
                occupation=form.occupation.data or "", village=form.village.data or "",
                address=form.address.data or "", phone=form.phone.data or "", joined_on=form.joined_on.data,
                note=form.note.data or "")


@bp.route("/them", methods=["GET", "POST"])
@login_required
def create():
    """A new member; a member of the unit with the same name (without diacritics) and birth year is
    shown and must be confirmed. A double submit lands on the first record (once=True)."""
    authorize("member.write")
    form = MemberCreateForm(unit_id=request.args.get("don_vi", current_user.unit_id, type=int), joined_on=today())
    form.unit_id.choices = unit_choices(active_only=True)
    duplicates = []
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "member.write")
        fields = _fields(form)
        try:
            values = services.check_fields(**fields)
        except services.MemberError as err:
            attach_error(form, err)
        else:
            repeat = idempotency.lookup(form.idem_key.data) is not None  # a second click: answer like the first
            duplicates = [] if repeat else services.likely_duplicates(unit, values)
            if duplicates and not form.not_duplicate.data:
                form.form_errors.append("Có thể người này đã có trong danh sách hội viên (xem bên dưới). "
                                        "Hãy mở hồ sơ cũ, hoặc đánh dấu ô xác nhận để vẫn thêm hội viên mới.")
            elif answer := attempt(form, lambda: services.create_member(unit, number=form.number.data or None,
                                                                         **fields),
                                   once=True, url=lambda m: url_for(".detail", member_id=m.id),
                                   success=lambda m: f"Đã thêm hội viên {m.full_name}, số thẻ {m.number}."):
                return answer
    return form_page("members/form.html", "members/_form.html", form, title="Thêm hội viên",
                     action=url_for(".create"), duplicates=duplicates, member=None)


@bp.get("/<int:member_id>")
@login_required
def detail(member_id):
    """The member's record, the dues years paid (payments not voided) and the linked records."""
    member = get_or_404(Member, member_id)
    services.spells(member)  # loaded now, wherever they are: the page names them (app/core/rls.py)
    return render("members/detail.html", member=member, dues=dues_queries.paid_by(member))


@bp.route("/<int:member_id>/sua", methods=["GET", "POST"])
@login_required
def edit(member_id):
    member = get_or_404(Member, member_id, "member.write")
    start = services.current_fields(member)
    start["birth_year"] = str(member.birth_year or "")  # a text box: a posted form without it keeps text
    form = MemberForm(data=start)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.update_member(member, **_fields(form)),
            url=url_for(".detail", member_id=member.id), success="Đã lưu thay đổi.")):
        return answer
    return form_page("members/form.html", "members/_form.html", form, title=f"Sửa: {member.full_name}",
                     action=url_for(".edit", member_id=member.id), duplicates=[], member=member)


@bp.route("/<int:member_id>/ra-khoi-hoi", methods=["GET", "POST"])
@login_required
def end(member_id):
    """Record that the member left the association or died: date and reason required."""
    member = get_or_404(Member, member_id, "member.write")
    form = EndForm(ended_on=today())
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.end_membership(member, status=form.status.data, ended_on=form.ended_on.data,
                                                  reason=form.reason.data or ""),
            url=url_for(".detail", member_id=member.id),
            success=lambda m: f"Đã ghi: {m.full_name} — {m.status_label.lower()}.")):
        return answer
    return form_page("members/end.html", "members/_end_form.html", form, member=member)


@bp.route("/<int:member_id>/sinh-hoat-lai", methods=["GET", "POST"])
@login_required
def rejoin(member_id):
    """Vào hội lại: a member who left comes back as a NEW row (a new spell and number in the chosen
    unit of the user's scope); the old row keeps its dates, so the years already counted stay.
    Someone of that unit who is probably this person (their own rows aside) must be confirmed;
    a double submit lands on the first new row (once=True)."""
    member = get_or_404(Member, member_id, "member.write")
    start = member.unit_id if member.unit.active else current_user.unit_id
    form = RejoinForm(unit_id=start, joined_on=today())
    form.unit_id.choices = unit_choices(active_only=True)
    duplicates = []
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "member.write")
        repeat = idempotency.lookup(form.idem_key.data) is not None  # a second click: answer like the first
        duplicates = [] if repeat or status.rejoin_refusal(member) else status.return_duplicates(member, unit)
        if duplicates and not form.not_duplicate.data:
            form.form_errors.append("Có thể người này đã được ghi lại trong chi hội, ban đã chọn (xem bên dưới). "
                                    "Hãy mở hồ sơ đó, hoặc đánh dấu ô xác nhận để vẫn ghi vào hội lại.")
        elif answer := attempt(form, lambda: status.rejoin(member, unit=unit, joined_on=form.joined_on.data),
                               once=True, url=lambda m: url_for(".detail", member_id=m.id),
                               success=lambda m: f"{m.full_name} đã vào hội lại, số thẻ mới {m.number}."):
            return answer
    return form_page("members/rejoin.html", "members/_rejoin_form.html", form, member=member,
                     duplicates=duplicates, refusal=status.rejoin_refusal(member))


@bp.route("/<int:member_id>/huy-ra-khoi-hoi", methods=["GET", "POST"])
@login_required
def reopen(member_id):
    """Hủy ghi nhận ra khỏi hội: an end (left or deceased) recorded by mistake is undone on the same
    row, joined_on and number unchanged; a reason is required. GET is the confirmation page."""
    member = get_or_404(Member, member_id, "member.write")
    form = ReopenForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: status.reopen(member, reason=form.reason.data or ""),
            url=url_for(".detail", member_id=member.id),
            success=lambda m: f"Đã hủy ghi nhận ra khỏi hội: {m.full_name} đang sinh hoạt.")):
        return answer
    return form_page("members/reopen.html", "members/_reopen_form.html", form, member=member,
                     refusal=status.reopen_refusal(member))
