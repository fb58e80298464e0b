"""Decisions: the list (and its export), a new draft, a decision's page, its header, issuing, amending."""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.authz import authorize, get_or_404
from app.core.export import export_table
from app.core.paging import Page
from app.core.views import attempt, confirm_action, form_page, page_number, render
from app.extensions import db
from app.funds.models import Fund
from app.funds.services import funds_in_scope
from app.printing.offer import DIRECT_MAX
from app.units.models import Unit
from app.units.services import scope_choices

from .. import issuing, prize_goods, queries, services
from ..forms import ConfirmForm, DecisionForm
from ..models import DECISION_STATUS, Decision
from ..prizes import vouchers
from . import bp, frozen_page, honoree_rows, stock_items

HONOREES_PER_PAGE = 40  # a decision page stays under 30 KB on a phone, warnings and all
EXPORT_HEADERS = ["Số quyết định", "Ngày", "Trích yếu", "Đơn vị", "Trạng thái"]


def decision_filters(args) -> tuple[str, str]:
    """(number search, status) of the decision list and its export: one reading of the filters."""
    q, status = args.get("q", ""), args.get("trang_thai", "")
    return q, status if status in DECISION_STATUS else ""


@bp.get("/")
@login_required
def index():
    """Decisions of the user's unit and below, newest first."""
    authorize("view")
    q, status = decision_filters(request.args)
    pagination = db.paginate(queries.decisions_in_scope(current_user.unit, q, status), page=page_number(),
                             per_page=50, error_out=False)
    return render("commendations/index.html", partial="commendations/_decision_rows.html",
                  pagination=pagination, q=q, status_filter=status, statuses=DECISION_STATUS)


@bp.get("/xuat.xlsx")
@login_required
def decisions_export():
    """The decision list (every page) with the page's search and status filter (.xlsx, or CSV with ?format=csv)."""
    authorize("view")
    q, status = decision_filters(request.args)
    found = db.session.scalars(queries.decisions_in_scope(current_user.unit, q, status))
    rows = ((d.number, d.decision_date, d.title, d.unit.name, d.status_label) for d in found)
    return export_table("Danh sách quyết định khen thưởng.xlsx", EXPORT_HEADERS, rows, sheet_title="Quyết định")


def _fund_choices(unit: Unit):
    return [(0, "Không chi tiền thưởng")] + [(f.id, f"{f.name} ({f.unit.name})")
                                             for f in db.session.scalars(funds_in_scope(unit, active_only=True))]


def _header(form: DecisionForm) -> services.DecisionData:
    """The posted header for the service; the fund is loaded (and scope-checked) here."""
    fund = get_or_404(Fund, form.fund_id.data, "commendation.write") if form.fund_id.data else None
    return services.DecisionData.of(form.data, fund=fund)


def _form_page(form, title: str, action: str, decision: Decision | None, unit: Unit):
    return form_page("commendations/decision_form.html", "commendations/_decision_form.html", form,
                     title=title, action=action, decision=decision, stock_items=stock_items(unit))


@bp.route("/quyet-dinh/moi", methods=["GET", "POST"])
@login_required
def create():
    """A new draft decision; the number is suggested from the unit's counter for the year."""
    authorize("commendation.write")
    unit = current_user.unit
    today = clock.today()
    form = DecisionForm(unit_id=unit.id, number=services.suggest_number(unit, today.year), decision_date=today,
                        bases=services.DEFAULT_BASES, signer_title=services.DEFAULT_SIGNER_TITLE,
                        title="Về việc khen thưởng ", place="")
    form.unit_id.choices = scope_choices(unit)
    form.fund_id.choices = _fund_choices(unit)
    if form.validate_on_submit():
        target, header = get_or_404(Unit, form.unit_id.data, "commendation.write"), _header(form)
        if answer := attempt(form, lambda: services.create_decision(target, header), once=True,
                             url=lambda d: url_for(".detail", decision_id=d.id),
                             success="Đã lập dự thảo quyết định. Hãy thêm người được khen."):
            return answer
    return _form_page(form, "Lập quyết định khen thưởng", url_for(".create"), None, unit)


@bp.get("/quyet-dinh/<int:decision_id>")
@login_required
def detail(decision_id):
    """A decision: header, the list in Vietnamese order with warnings, and what can be done next."""
    d = get_or_404(Decision, decision_id)
    rows, warnings, numbered, only_warned = honoree_rows(d, request.args)
    page = page_number()
    pagination = Page(numbered[(page - 1) * HONOREES_PER_PAGE:page * HONOREES_PER_PAGE], page,
                      HONOREES_PER_PAGE, len(numbered))
    count, total = queries.totals(d)
    return render("commendations/detail.html", partial="commendations/_honoree_rows.html", d=d,
                  pagination=pagination, warnings=warnings, only_warned=only_warned,
                  warned=sum(1 for h in rows if h.id in warnings), count=count, total=total,
                  people=queries.people_text(queries.people_counts(d)),
                  amendments=queries.amendments_of(d), unpaid=queries.unpaid_count(d) if d.frozen else 0,
                  vouchers=vouchers([d] + [h for _, h in pagination.items]) if d.frozen else {},
                  goods=prize_goods.totals_text(d), goods_out=d.frozen and prize_goods.handed_out(d),
                  direct_max=DIRECT_MAX)  # a longer list is offered as a background print only


@bp.route("/quyet-dinh/<int:decision_id>/sua", methods=["GET", "POST"])
@login_required
def edit(decision_id):
    """Edit a draft's header (number, date, bases, signer, fund ...)."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    if (back := frozen_page(d)) is not None:
        return back
    form = DecisionForm(obj=d, fund_id=d.fund_id or 0)
    del form.unit_id
    form.fund_id.choices = _fund_choices(d.unit)
    if form.validate_on_submit():
        header = _header(form)
        if answer := attempt(form, lambda: services.update_decision(d, header),
                             url=url_for(".detail", decision_id=d.id), success="Đã lưu quyết định."):
            return answer
    return _form_page(form, f"Sửa quyết định {d.number}", url_for(".edit", decision_id=d.id), d, d.unit)


@bp.route("/quyet-dinh/<int:decision_id>/ban-hanh", methods=["GET", "POST"])
@login_required
def issue(decision_id):
    """Issue (freeze) a draft: register numbers and prize payments. GET is the confirmation page."""
    d = get_or_404(Decision, decision_id, "commendation.issue")
    form = ConfirmForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: issuing.issue(d), url=url_for(".detail", decision_id=d.id),
            success=f"Đã ban hành Quyết định số {d.number}.")):
        return answer
    count, total = queries.totals(d)
    warned = len(queries.warnings_for(d, services.honorees(d))) if not d.frozen else 0
    return form_page("commendations/issue.html", "commendations/_issue_form.html", form, d=d, count=count,
                     people=queries.people_text(queries.people_counts(d)),
                     total=total, warned=warned, goods=prize_goods.totals_text(d))


@bp.route("/quyet-dinh/<int:decision_id>/sua-doi", methods=["GET", "POST"])
@login_required
def amend(decision_id):
    """Start a new draft amending an issued decision (the issued one never changes)."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = ConfirmForm()
    back = url_for(".detail", decision_id=d.id)
    if answer := confirm_action(form, lambda: services.amending_draft(d),
                                back=lambda new: url_for(".detail", decision_id=new.id) if new else back,
                                success=lambda new: f"Đã lập dự thảo quyết định sửa đổi số {new.number}."):
        return answer
    return render("commendations/confirm.html", partial="commendations/_confirm.html", form=form,
                  heading=f"Lập quyết định sửa đổi Quyết định {d.number}?",
                  action=url_for(".amend", decision_id=d.id), button="Lập dự thảo sửa đổi", danger=False,
                  back=back)
