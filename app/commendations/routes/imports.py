"""Many honorees brought into a draft at once: a pasted list, a scholarship round's approved
nominations, a campaign's donors, the passed assessments, or an .xlsx list (the template, upload →
preview with nothing written, confirm). Each source skips what the list already holds (app.commendations.bulk).
"""
from flask import current_app, flash, request, url_for
from flask_login import login_required
from sqlalchemy import select

from app.campaigns.models import Campaign
from app.core import imports
from app.core.authz import get_or_404
from app.core.imports import discard, stage
from app.core.views import attempt, form_page, go, render
from app.core.xlsx import export_response
from app.extensions import db
from app.scholarships.models import ScholarshipRound
from app.units.models import Unit

from .. import bulk, importing
from ..forms import AssessmentSourceForm, CampaignSourceForm, ConfirmImportForm, ImportForm, PasteForm, RoundSourceForm
from ..models import HONOREE_KINDS, Decision
from . import bp, frozen_page

STAGE = "kt"  # staged files instance/imports/kt-<token>.json


def _add(d: Decision, form, source: str, title: str, action: str, work):
    """A bulk source's page: on a valid POST run `work()` (it returns how many were added) and go back
    to the decision; a refusal keeps the form with its message."""
    if form.validate_on_submit() and (answer := attempt(
            form, work, url=url_for(".detail", decision_id=d.id),
            success=lambda added: f"Đã thêm {added} người vào danh sách." if added else "Không có ai mới để thêm.")):
        return answer
    if (back := frozen_page(d)) is not None:
        return back
    return form_page("commendations/bulk.html", "commendations/_bulk_form.html", form, d=d, source=source,
                     title=title, action=action)


@bp.route("/quyet-dinh/<int:decision_id>/dan-danh-sach", methods=["GET", "POST"])
@login_required
def paste(decision_id):
    """Paste a list: one name per line, optionally a Tab and the achievement."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = PasteForm()
    return _add(d, form, "paste", "Dán danh sách", url_for(".paste", decision_id=d.id),
                lambda: bulk.from_text(d, form.text.data, form.kind.data, form.collective.data))


def _in_subtree(model, d: Decision):
    """The model's records (rounds, campaigns) of the decision's unit and below, newest first."""
    return db.session.scalars(select(model).join(model.unit).where(Unit.path.startswith(d.unit.path))
                              .order_by(model.id.desc())).all()


@bp.route("/quyet-dinh/<int:decision_id>/tu-hoc-bong", methods=["GET", "POST"])
@login_required
def from_round(decision_id):
    """Add the approved nominations of a scholarship round."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = RoundSourceForm()
    form.round_id.choices = [(r.id, f"{r.name} ({r.school_year})") for r in _in_subtree(ScholarshipRound, d)]
    return _add(d, form, "round", "Thêm học sinh đã được duyệt học bổng", url_for(".from_round", decision_id=d.id),
                lambda: bulk.from_nominations(d, get_or_404(ScholarshipRound, form.round_id.data,
                                                            "commendation.write")))


@bp.route("/quyet-dinh/<int:decision_id>/tu-dot-van-dong", methods=["GET", "POST"])
@login_required
def from_campaign(decision_id):
    """Add the donors of a campaign whose gifts reach an amount."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = CampaignSourceForm()
    form.campaign_id.choices = [(c.id, c.name) for c in _in_subtree(Campaign, d)]
    return _add(d, form, "campaign", "Thêm nhà hảo tâm của đợt vận động", url_for(".from_campaign", decision_id=d.id),
                lambda: bulk.from_campaign(d, get_or_404(Campaign, form.campaign_id.data, "commendation.write"),
                                           form.min_amount.data))


@bp.route("/quyet-dinh/<int:decision_id>/tu-danh-gia", methods=["GET", "POST"])
@login_required
def from_assessments(decision_id):
    """Add the families (clans, communities ...) that passed their assessment in a year."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = AssessmentSourceForm(year=d.year)
    return _add(d, form, "assessment", "Thêm danh hiệu học tập đã đạt", url_for(".from_assessments", decision_id=d.id),
                lambda: bulk.from_assessments(d, d.unit, form.year.data, form.kind.data))


@bp.get("/quyet-dinh/<int:decision_id>/nhap-excel/mau.xlsx")
@login_required
def import_template(decision_id):
    """The .xlsx template (Vietnamese headers, two example rows) to fill in and upload."""
    get_or_404(Decision, decision_id, "commendation.write")
    return export_response("Mẫu danh sách khen thưởng.xlsx", importing.HEADERS, importing.template_rows(),
                           sheet_title="Danh sách")


@bp.route("/quyet-dinh/<int:decision_id>/nhap-excel", methods=["GET", "POST"])
@login_required
def import_upload(decision_id):
    """Upload a filled template; the answer previews every row with its problem. Nothing is written yet."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    if (back := frozen_page(d)) is not None:
        return back
    form = ImportForm()
    rows = confirm = counts = None
    if form.validate_on_submit():
        rows = attempt(form, lambda: importing.preview(d, request.files.get("file"), form.kind.data,
                                                       current_app.config.get("MAX_CONTENT_LENGTH")),
                       default_field="file")
        if rows is not None:
            counts = importing.summary(rows)
            confirm = ConfirmImportForm(token=stage(STAGE, {"rows": rows, "kind": form.kind.data},
                                                    decision_id=d.id))
    return form_page("commendations/import.html", "commendations/_import.html", form, d=d, rows=rows,
                     counts=counts, confirm=confirm, kinds=HONOREE_KINDS)


@bp.post("/quyet-dinh/<int:decision_id>/nhap-excel/xac-nhan")
@login_required
def import_confirm(decision_id):
    """Add the previewed rows without errors; a repeated submit adds them once."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = ConfirmImportForm()
    token = form.token.data or ""
    staged, answer = imports.staged_for_confirm(STAGE, form, url_for(".import_upload", decision_id=d.id),
                                                decision_id=d.id)
    if staged is None:
        return answer
    with imports.checking():  # every row checked, on a snapshot, before the first write
        refused = importing.recheck(d, staged["rows"])
    if refused:  # a staged row the service now refuses: say so, write nothing
        return _preview_again(d, staged, "Có dòng không còn hợp lệ (xem cột “Kết quả kiểm tra”); chưa ghi gì.",
                              token)
    detail, progress_key = url_for(".detail", decision_id=d.id), imports.progress_key(STAGE, token)
    done = attempt(form, lambda: bulk.from_staged(d, staged["rows"], progress_key, form.idem_key.data, detail))
    if done is None:  # refused: the batches before the refused one stay written
        message = " ".join(form.form_errors)
        progress = imports.progress_of(progress_key)
        if progress is not None and progress.done:
            message += f" Đã ghi {progress.done}/{progress.total} dòng; xác nhận lần nữa để ghi phần còn lại."
        if not d.frozen:
            return _preview_again(d, staged, message, token)
        flash(message, "error")
        return go(detail)
    if not done.finished:  # the request's time ran out: the rest waits for the next click
        return _preview_again(d, staged, f"Đã ghi {done.done}/{done.total} dòng; bấm “Xác nhận” lần nữa để ghi "
                                         "tiếp phần còn lại (không ghi trùng).", token)
    discard(STAGE, token)
    if done.by_me:
        skipped = sum(1 for r in staged["rows"] if r["errors"] or r["skip"])
        flash(f"Đã thêm {done.state.get('added', 0)} người từ tệp Excel"
              + (f"; bỏ qua {skipped} dòng." if skipped else "."), "success")
    return go(detail)


def _preview_again(d, staged: dict, message: str, token: str):
    """The confirmation refused (422, nothing written): the preview again with the message, its rows
    staged anew so the rows still valid can be confirmed."""
    discard(STAGE, token)
    form = ImportForm(formdata=None, kind=staged.get("kind", "pupil"))
    form.form_errors.append(message)
    rows = staged["rows"]
    confirm = ConfirmImportForm(formdata=None, token=stage(STAGE, {"rows": rows, "kind": staged.get("kind")},
                                                           decision_id=d.id))
    return render("commendations/import.html", partial="commendations/_import.html", status=422, form=form, d=d,
                  rows=rows, counts=importing.summary(rows), confirm=confirm, kinds=HONOREE_KINDS)
