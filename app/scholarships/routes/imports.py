"""Importing nominations from a school's .xlsx list: template, upload and preview, confirm; export."""
from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.core import imports
from app.core.authz import get_or_404
from app.core.imports import discard, stage
from app.core.rendering import render
from app.core.views import attempt, form_page, go, refusal_text
from app.core.xlsx import export_response, read_upload

from .. import importing
from ..forms import ConfirmImportForm, ImportForm
from ..models import ScholarshipRound
from . import bp

STAGE = "hb"  # staged files instance/imports/hb-<token>.json (app.core.imports)


@bp.get("/<int:round_id>/mau-excel")
@login_required
def template(round_id):
    """The .xlsx template schools fill in (Vietnamese headers, one example row)."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.write")
    return export_response(f"Mẫu đề cử - {rnd.name}.xlsx", importing.HEADERS, importing.template_rows(),
                           sheet_title="Đề cử")


@bp.route("/<int:round_id>/nhap-excel", methods=["GET", "POST"])
@login_required
def import_upload(round_id):
    """Upload a school's list; the answer is a preview with each row's problem, nothing written yet."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.write")
    form = ImportForm()
    rows = token = counts = None
    # As wide as every header the import knows: moved columns and exported lists still read.
    if form.validate_on_submit() and (rows := attempt(form, lambda: importing.parse_rows(rnd, read_upload(
            request.files.get("file"), max_rows=importing.MAX_ROWS,
            max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"), columns=len(importing.COLUMNS))),
            default_field="file")) is not None:  # reads the file, writes nothing
        counts = importing.summary(rows)
        token = stage(STAGE, {"proposer": form.proposer.data or "", "rows": importing.dump_rows(rows)},
                      round_id=rnd.id)
    return form_page("scholarships/import.html", "scholarships/_import.html", form, rnd=rnd, rows=rows,
                     counts=counts, good=counts["good"] if counts else 0,
                     confirm=ConfirmImportForm(token=token) if token else None)


@bp.route("/<int:round_id>/nhap-excel/xac-nhan", methods=["POST"])
@login_required
def import_confirm(round_id):
    """Write the previewed rows without problems; a repeated submit imports once."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.write")
    form = ConfirmImportForm()
    back = url_for(".round_detail", round_id=rnd.id)
    token = form.token.data or ""
    meta, answer = imports.staged_for_confirm(STAGE, form, url_for(".import_upload", round_id=rnd.id), round_id=rnd.id)
    if meta is None:
        return answer
    if (checked := attempt(form, lambda: importing.check_staged(rnd, meta["rows"]))) is None:
        return _preview_again(rnd, [], meta, refusal_text(form), token)
    rows, refused = checked
    if refused:  # a staged row the service now refuses: say so, write nothing
        return _preview_again(rnd, rows, meta, "Có dòng không còn hợp lệ (xem cột “Kết quả kiểm tra”); chưa ghi gì.",
                              token)
    progress_key = imports.progress_key(STAGE, token)
    written = attempt(form, lambda: importing.confirm_import(rnd, rows, progress_key, meta["proposer"],
                                                             current_user.unit, form.idem_key.data, back))
    if written is None:
        progress = imports.progress_of(progress_key)
        if progress is not None and progress.done:  # the batches before stay written: same upload, go on
            return _preview_again(rnd, rows, meta, f"{refusal_text(form)} {_stopped(progress.done, progress.total)}",
                                  token, keep=True)
        return _preview_again(rnd, rows, meta, refusal_text(form), token)
    done, result = written
    if not done.finished:  # the request's time ran out: the rest waits for the next click
        return _preview_again(rnd, rows, meta, _stopped(done.done, done.total), token, keep=True)
    discard(STAGE, token)
    if done.by_me:
        flash(f"Đã nhập {result['nominations']} đề cử ({result['new_pupils']} học sinh mới); "
              f"bỏ qua {result['skipped']} dòng có lỗi.", "success")
    return go(back)


def _stopped(done: int, total: int) -> str:
    return f"Đã ghi {done}/{total} đề cử; bấm “Xác nhận” lần nữa để ghi tiếp phần còn lại (không ghi trùng)."


def _preview_again(rnd, rows, meta, message: str, token: str, keep: bool = False):
    """The confirmation refused (422): the preview again with the message. Nothing written: its rows
    staged anew so the rows still valid can be confirmed. Some batches written (`keep`): the same
    upload, whose progress says where the next confirmation goes on."""
    if not keep:
        discard(STAGE, token)
    form = ImportForm(formdata=None, proposer=meta.get("proposer", ""))
    form.form_errors.append(message)
    counts = confirm = None
    if rows:
        counts = importing.summary(rows)
        confirm = ConfirmImportForm(formdata=None, token=token if keep else stage(
            STAGE, {"proposer": meta.get("proposer", ""), "rows": importing.dump_rows(rows)}, round_id=rnd.id))
    return render("scholarships/import.html", partial="scholarships/_import.html", status=422, form=form, rnd=rnd,
                  rows=rows or None, counts=counts, good=counts["good"] if counts else 0, confirm=confirm)
