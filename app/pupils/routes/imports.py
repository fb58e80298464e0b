"""Pupils from a school's .xlsx list, on the pupil list itself: template, upload → preview, confirm.

No round or scholarship category is needed: the pupils join the register, and a round can
nominate them later (or import its own list, which reads the same columns).
"""
from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.core import imports
from app.core.authz import authorize
from app.core.clock import today
from app.core.imports import discard, stage
from app.core.views import attempt, form_page, go, refusal_text, render
from app.core.xlsx import export_response, read_upload
from app.vn.dates import school_year_of

from .. import importing
from ..forms import ConfirmImportForm, ImportForm
from . import bp

STAGE = "hs"  # staged files instance/imports/hs-<token>.json


@bp.get("/nhap-excel/mau.xlsx")
@login_required
def import_template():
    """The .xlsx template schools fill in (Vietnamese headers, one example row)."""
    authorize("pupil.write")
    return export_response("Mẫu danh sách học sinh.xlsx", importing.HEADERS, importing.template_rows(),
                           sheet_title="Học sinh")


@bp.route("/nhap-excel", methods=["GET", "POST"])
@login_required
def import_upload():
    """Upload a list; the answer previews every row with its problem. Nothing is written yet."""
    authorize("pupil.write")
    form = ImportForm()
    if not form.school_year.data:
        form.school_year.data = school_year_of(today())
    rows = counts = confirm = None
    # As wide as every header the import knows: moved columns and exported lists still read.
    if form.validate_on_submit() and (rows := attempt(form, lambda: importing.parse_rows(current_user.unit, read_upload(
            request.files.get("file"), max_rows=importing.MAX_ROWS,
            max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"), columns=len(importing.COLUMNS)),
            form.school_year.data or ""), default_field="file")) is not None:  # reads the file, writes nothing
        counts = importing.summary(rows)
        confirm = ConfirmImportForm(token=stage(STAGE, {"rows": importing.dump_rows(rows)},
                                                unit_id=current_user.unit_id))
    return form_page("pupils/import.html", "pupils/_import.html", form, rows=rows, counts=counts, confirm=confirm)


@bp.post("/nhap-excel/xac-nhan")
@login_required
def import_confirm():
    """Add the previewed new pupils; a repeated submit adds them once."""
    authorize("pupil.write")
    form = ConfirmImportForm()
    token = form.token.data or ""
    staged, answer = imports.staged_for_confirm(STAGE, form, url_for(".import_upload"), unit_id=current_user.unit_id)
    if staged is None:
        return answer
    if (checked := attempt(form, lambda: importing.check_staged(staged["rows"]))) is None:
        return _preview_again([], refusal_text(form), token)
    rows, refused = checked
    if refused:  # a staged row the service now refuses: say so, write nothing
        return _preview_again(rows, "Có dòng không còn hợp lệ (xem cột “Kết quả kiểm tra”); chưa ghi gì.", token)
    progress_key = imports.progress_key(STAGE, token)
    written = attempt(form, lambda: importing.confirm_import(current_user.unit, rows, progress_key, form.idem_key.data,
                                                             url_for(".index")))
    if written is None:
        progress = imports.progress_of(progress_key)
        if progress is not None and progress.done:  # the batches before stay written: same upload, go on
            return _preview_again(rows, f"{refusal_text(form)} {_stopped(progress.done, progress.total)}", token,
                                  keep=True)
        return _preview_again(rows, refusal_text(form), token)
    done, result = written
    if not done.finished:  # the request's time ran out: the rest waits for the next click
        return _preview_again(rows, _stopped(done.done, done.total), token, keep=True)
    discard(STAGE, token)
    if done.by_me:
        flash(f"Đã thêm {result['new_pupils']} học sinh từ tệp Excel"
              + (f"; {result['known']} học sinh đã có trong sổ được giữ nguyên" if result["known"] else "")
              + (f"; bỏ qua {result['skipped']} dòng có lỗi." if result["skipped"] else "."), "success")
    return go(url_for(".index"))


def _stopped(done: int, total: int) -> str:
    return (f"Đã ghi {done}/{total} học sinh mới; bấm “Xác nhận” lần nữa để ghi tiếp phần còn lại "
            "(không ghi trùng).")


def _preview_again(rows, message: str, token: str, keep: bool = False):
    """The confirmation refused (422): the preview again with the message. Nothing written: its rows
    staged anew so the rows still valid can be confirmed. Some batches written (`keep`): the same
    upload, whose progress says where the next confirmation goes on."""
    if not keep:
        discard(STAGE, token)
    form = ImportForm(formdata=None, school_year=rows[0].data.school_year if rows else "")
    form.form_errors.append(message)
    counts = confirm = None
    if rows:
        counts = importing.summary(rows)
        confirm = ConfirmImportForm(formdata=None, token=token if keep else stage(
            STAGE, {"rows": importing.dump_rows(rows)}, unit_id=current_user.unit_id))
    return render("pupils/import.html", partial="pupils/_import.html", status=422, form=form,
                  rows=rows or None, counts=counts, confirm=confirm)
