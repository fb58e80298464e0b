"""Honorees from an .xlsx list: the template, upload → preview (nothing written), confirm."""
from flask import current_app, flash, request, url_for
from flask_login import login_required

from app.core import idempotency, imports
from app.core.authz import get_or_404
from app.core.imports import discard, load_staged, stage
from app.core.rendering import render
from app.core.views import attach_error, form_page, go
from app.core.xlsx import XlsxError, export_response, read_upload
from app.extensions import db

from . import bulk, importing, services
from .forms import ConfirmImportForm, ImportForm
from .models import HONOREE_KINDS, Decision
from .routes import bp, frozen_page

STAGE = "kt"  # staged files instance/imports/kt-<token>.json


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
        try:
            services.check_draft(d)
            # As wide as every header the import knows: moved columns and exported lists still read.
            sheet = read_upload(request.files.get("file"), max_rows=importing.MAX_ROWS,
                                max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"), columns=len(importing.COLUMNS))
            rows = importing.parse_rows(d, sheet, form.kind.data)
        except (XlsxError, services.CommendationError) as err:
            rows = None
            attach_error(form, err, "file")
        else:
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
    staged = load_staged(STAGE, token, decision_id=d.id) if form.validate_on_submit() else None
    if staged is None:
        key = form.idem_key.data or ""
        if key and idempotency.lookup(key) is not None:
            # A second click after the first wrote the rows (and forgot the upload): once() sends
            # the same user where the first went, and creates nothing.
            return go(idempotency.once(key, lambda: None, url=lambda _: "").url)
        flash("Phiên nhập đã hết hạn hoặc không hợp lệ, vui lòng tải tệp lên lại.", "error")
        return go(url_for(".import_upload", decision_id=d.id))
    with imports.checking():  # every row checked, on a snapshot, before the first write
        refused = importing.recheck(d, staged["rows"])
    if refused:  # a staged row the service now refuses: say so, write nothing
        return _preview_again(d, staged, "Có dòng không còn hợp lệ (xem cột “Kết quả kiểm tra”); chưa ghi gì.",
                              token)
    # Written in batches (app.core.imports): each batch skips the lines the list already holds, so a
    # confirmation stopped half-way and confirmed again adds only the rest.
    todo = [r for r in staged["rows"] if not r["errors"] and not r["skip"]]
    detail = url_for(".detail", decision_id=d.id)
    try:
        done = imports.write_in_batches(
            imports.progress_key(STAGE, token), len(todo),
            lambda a, b, state: state.update(added=state.get("added", 0) + bulk.from_rows(d, todo[a:b], "xlsx")),
            lambda state, progress: idempotency.remember(form.idem_key.data, d, detail))
    except services.CommendationError as err:
        db.session.rollback()
        progress = imports.progress_of(imports.progress_key(STAGE, token))
        if progress is not None and progress.done:  # the batches before this one stay written
            err = f"{err} Đã ghi {progress.done}/{progress.total} dòng; xác nhận lần nữa để ghi phần còn lại."
        if not d.frozen:
            return _preview_again(d, staged, str(err), token)
        flash(str(err), "error")
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
