"""Opening day: the printable sheet of pigs due in a branch, batch entry of its counts; the reports."""
from datetime import date

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.core import idempotency
from app.core.authz import authorize, get_or_404
from app.printing.offer import long_document_page, queue_from_form
from app.core.views import go, render
from app.extensions import db
from app.funds.services import today
from app.units.models import Unit
from app.units.services import scope_choices

from . import batch, queries, services, sheet
from .forms import BatchHeadForm, ReportFilterForm
from .models import DISPOSITIONS
from .routes import bp


def _unit_arg(action: str) -> Unit:
    return get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), action)


@bp.get("/phieu-mo-heo.pdf")
@login_required
def sheet_pdf():
    """A4 sheet for opening day: active pigs of a branch, blank columns to fill in by hand.

    Long ones are printed in the background, too long ones asked for by unit (see sheet.py)."""
    unit = _unit_arg("view")
    from app.printing.services import pdf_response

    pigs = queries.due_pigs(unit)
    if len(pigs) > sheet.JOB_MAX:
        return render("piggybanks/sheet_by_unit.html", partial="piggybanks/_sheet_by_unit.html", unit=unit,
                      count=len(pigs), limit=sheet.JOB_MAX, children=sheet.children_counts(unit))
    if len(pigs) > sheet.DIRECT_MAX:
        return long_document_page(sheet.title(unit), len(pigs), url_for(".sheet_print", don_vi=unit.id),
                                  url_for(".report", don_vi=unit.id))
    return pdf_response(sheet.render(unit, pigs), sheet.title(unit) + ".pdf")


@bp.post("/phieu-mo-heo/in-nen")
@login_required
def sheet_print():
    """Queue the opening-day sheet as a background print job: its progress page."""
    unit = _unit_arg("view")
    if len(queries.due_pigs(unit)) > sheet.JOB_MAX:
        abort(400)
    return queue_from_form(sheet.KIND, {"unit_id": unit.id}, unit=unit, title=sheet.title(unit),
                           filename=sheet.title(unit) + ".pdf")


@bp.route("/nhap-phieu-mo-heo", methods=["GET", "POST"])
@login_required
def batch_entry():
    """Enter a whole opening-day sheet: saved only if every filled row is valid and the rows add up
    to the control total typed from the paper; otherwise 422 with each bad row marked."""
    unit = _unit_arg("piggybank.write")
    pigs = queries.due_pigs(unit)
    form = BatchHeadForm(opened_on=today())
    rows = batch.blank_rows(pigs)
    status = 200
    if form.is_submitted() and form.idem_key.data and idempotency.lookup(form.idem_key.data):
        # A resend of a saved sheet: its pigs are no longer due, so answer with the first result.
        return go(idempotency.once(form.idem_key.data, lambda: None, url=lambda _: "").url)
    if form.is_submitted():
        ok = form.validate()
        rows = batch.read_rows(pigs, request.form, form.witness1.data or "", form.witness2.data or "")
        if ok and not any(r.errors for r in rows):
            problem = batch.check_total(rows, form.control_total.data)
            if problem:
                form.form_errors.append(problem)
                form.control_total.errors = list(form.control_total.errors) + ["Không khớp tổng các dòng."]
            else:
                try:
                    done = idempotency.once(
                        form.idem_key.data,
                        lambda: batch.save(rows, form.opened_on.data, form.witness1.data, form.witness2.data),
                        url=lambda _: url_for(".index", don_vi=unit.id, trang_thai="opened"))
                    db.session.commit()
                except services.PiggyBankError:
                    db.session.rollback()
                    form.form_errors.append("Chưa lưu dòng nào: có dòng bị từ chối, xem lý do bên dưới.")
                else:
                    if done.created:
                        flash(f"Đã ghi {len(done.obj)} lần mổ heo của {unit.name}.", "success")
                    return go(done.url)
        elif any(r.errors for r in rows):
            form.form_errors.append("Chưa lưu dòng nào: vui lòng sửa các dòng được đánh dấu.")
        status = 422
    return render("piggybanks/batch.html", partial="piggybanks/_batch_form.html", status=status,
                  form=form, rows=rows, unit=unit, DISPOSITIONS=DISPOSITIONS)


def _period(filters: ReportFilterForm) -> tuple[date | None, date | None]:
    date_from, date_to = filters.tu_ngay.data, filters.den_ngay.data
    # The filter form is read, not validated (a GET): a year outside its range filters nothing.
    if filters.nam.data and 2000 <= filters.nam.data <= 2100 and not (date_from or date_to):
        date_from, date_to = date(filters.nam.data, 1, 1), date(filters.nam.data, 12, 31)
    return date_from, date_to


def _report(args):
    filters = ReportFilterForm(args)
    filters.don_vi.choices = [(0, "Đơn vị của tôi")] + scope_choices(current_user.unit, active_only=False)
    unit = get_or_404(Unit, filters.don_vi.data) if filters.don_vi.data else current_user.unit
    date_from, date_to = _period(filters)
    return filters, unit, date_from, date_to, queries.report(unit, date_from, date_to)


@bp.get("/bao-cao")
@login_required
def report():
    """Per branch and holder type: pigs active and waiting, openings, counted, to fund vs kept."""
    authorize("view")
    filters, unit, date_from, date_to, data = _report(request.args)
    return render("piggybanks/report.html", partial="piggybanks/_report_table.html", filters=filters,
                  unit=unit, date_from=date_from, date_to=date_to, report=data)


@bp.get("/bao-cao.xlsx")
@login_required
def report_export():
    """The report as .xlsx, or CSV with ?format=csv."""
    authorize("view")
    from app.core.export import export_table

    _, unit, _, _, data = _report(request.args)
    rows = [[r.unit.name, r.holder_type_label, r.active, r.waiting, r.openings, r.counted, r.to_fund, r.kept]
            for r in data.rows]
    t = data.total
    rows.append(["Tổng cộng", "", t.active, t.waiting, t.openings, t.counted, t.to_fund, t.kept])
    return export_table(f"Báo cáo heo đất - {unit.name}.xlsx",
                        ["Đơn vị", "Loại người nuôi", "Đang nuôi", "Đã mổ chờ tái đàn", "Lần mổ",
                         "Tổng đếm được (đồng)", "Nộp quỹ (đồng)", "Gia đình giữ lại (đồng)"], rows, "Báo cáo")
