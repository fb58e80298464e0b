"""Members from a chi hội's .xlsx list: the template, upload → preview (every row with its problem),
confirm. The list goes to the user's unit or a unit below it (a chi hội), chosen on the upload form.

All or nothing: a file with a row in error is shown but cannot be confirmed (correct the file,
upload it again); rows already in the register are left out. See app.members.importing.
"""
import json

from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required
from flask_wtf.file import FileField
from wtforms import HiddenField
from wtforms.validators import DataRequired

from app.core import imports
from app.core.authz import authorize, get_or_404
from app.core.fields import SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm
from app.core.imports import discard, load_staged, stage
from app.core.views import attempt, form_page, go, refusal_text, render
from app.core.xlsx import export_response, read_upload
from app.units.models import Unit
from app.units.services import scope_choices

from .. import importing
from . import bp

STAGE = "hv"  # staged files instance/imports/hv-<token>.json


class ImportForm(BaseForm):
    file = FileField("Tệp Excel (.xlsx) theo mẫu")
    unit_id = SelectField("Nhập vào sổ hội viên của", coerce=int)


class ConfirmImportForm(IdempotentForm):
    token = HiddenField(validators=[DataRequired("Phiên nhập đã hết hạn, vui lòng tải tệp lên lại.")])


def _max_bytes() -> int:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(importing.MAX_BYTES, limit) if limit else importing.MAX_BYTES


@bp.get("/nhap/mau.xlsx")
@login_required
def import_template():
    """The .xlsx template a chi hội fills in (Vietnamese headers, two example rows)."""
    authorize("member.write")
    return export_response("Mẫu danh sách hội viên.xlsx", importing.HEADERS, importing.template_rows(),
                           sheet_title="Hội viên")


def _upload_form() -> ImportForm:
    form = ImportForm()
    form.unit_id.choices = scope_choices(current_user.unit)
    if not form.is_submitted() or "unit_id" not in request.form:  # no choice made: the user's own unit
        form.unit_id.data = current_user.unit_id
    return form


def _parse(form: ImportForm, unit: Unit):
    """The upload read (bounded: a file over the limit is refused before it is opened) and checked."""
    sheet = read_upload(request.files.get("file"), max_rows=importing.MAX_ROWS, max_bytes=_max_bytes(),
                        columns=len(importing.COLUMNS))  # as wide as every header known: an export reads back
    return importing.parse_rows(unit, sheet)


def _staged_confirm(rows, counts, unit: Unit):
    """The confirm form, with the rows staged, when the file can be confirmed (no error, something new)."""
    if counts["errors"] or not counts["new"]:
        return None
    return ConfirmImportForm(formdata=None, token=stage(STAGE, {"unit_id": unit.id, "rows": importing.dump_rows(rows)},
                                                        unit_id=current_user.unit_id))


@bp.route("/nhap", methods=["GET", "POST"])
@login_required
def import_start():
    """Upload a list; the answer previews every row with its problems. Nothing is written yet."""
    authorize("member.write")
    form = _upload_form()
    rows = counts = confirm = unit = None
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "member.write")  # a choice outside the scope: 404
        if (rows := attempt(form, lambda: _parse(form, unit), default_field="file")) is not None:
            counts = importing.summary(rows)
            confirm = _staged_confirm(rows, counts, unit)
    return form_page("members/import.html", "members/_import.html", form, rows=rows, counts=counts,
                     confirm=confirm, unit=unit)


@bp.get("/nhap/xem-truoc")
@login_required
def import_preview():
    """A staged upload's preview again (?token=), e.g. after a reload; an unknown token goes back to the upload."""
    authorize("member.write")
    token = request.args.get("token", "")
    staged = load_staged(STAGE, token, unit_id=current_user.unit_id)
    if staged is None:
        flash(imports.EXPIRED, "error")
        return go(url_for(".import_start"))
    unit = get_or_404(Unit, staged["unit_id"], "member.write")
    checker = importing.Checker(unit)
    rows = [checker.check(r) for r in importing.load_rows(staged["rows"])]
    form = _upload_form()
    form.unit_id.data = unit.id
    counts = importing.summary(rows)
    confirm = ConfirmImportForm(formdata=None, token=token) if not counts["errors"] and counts["new"] else None
    return render("members/import.html", partial="members/_import.html", form=form, rows=rows, counts=counts,
                  confirm=confirm, unit=unit)


@bp.post("/nhap/xac-nhan")
@login_required
def import_confirm():
    """Add the previewed new members; a repeated submit adds them once."""
    authorize("member.write")
    form = ConfirmImportForm()
    token = form.token.data or ""
    staged, answer = imports.staged_for_confirm(STAGE, form, url_for(".import_start"), unit_id=current_user.unit_id)
    if staged is None:
        return answer
    unit = get_or_404(Unit, staged["unit_id"], "member.write")
    progress_key = imports.progress_key(STAGE, token)
    progress = imports.progress_of(progress_key)
    lines = None
    if progress is not None and progress.done:  # going on after a stop: the lines the first batch set out to write
        rows, lines = importing.load_rows(staged["rows"]), json.loads(progress.state or "{}").get("lines")
    elif (checked := attempt(form, lambda: importing.check_staged(unit, staged["rows"]))) is None:
        return _preview_again([], unit, refusal_text(form), token)
    else:
        rows, refused = checked
        if refused:  # a row the register now refuses (a member or a number added since): write nothing
            return _preview_again(rows, unit, "Có dòng không còn hợp lệ (xem cột “Kết quả kiểm tra”); chưa ghi gì.",
                                  token)
    back = _register_url(unit)
    written = attempt(form, lambda: importing.confirm_import(unit, rows, progress_key, form.idem_key.data, back,
                                                             lines))
    if written is None:
        progress = imports.progress_of(progress_key)
        if progress is not None and progress.done:  # the batches before stay written: same upload, go on
            return _preview_again(rows, unit, f"{refusal_text(form)} {_stopped(progress.done, progress.total)}",
                                  token, keep=True)
        return _preview_again(rows, unit, refusal_text(form), token)
    done, result = written
    if not done.finished:  # the request's time ran out: the rest waits for the next click
        return _preview_again(rows, unit, _stopped(done.done, done.total), token, keep=True)
    discard(STAGE, token)
    if done.by_me:
        flash(f"Đã thêm {result['new_members']} hội viên vào sổ của {unit.name}"
              + (f"; {result['known']} người đã có trong sổ được giữ nguyên." if result["known"] else "."), "success")
    return go(back)


def _register_url(unit: Unit) -> str:
    """The unit's member list (the register's page), where a confirmed import lands."""
    if "members.index" in current_app.view_functions:
        return url_for(".index", don_vi=unit.id)
    return url_for(".import_start")


def _stopped(done: int, total: int) -> str:
    return (f"Đã ghi {done}/{total} hội viên mới; bấm “Xác nhận” lần nữa để ghi tiếp phần còn lại "
            "(không ghi trùng).")


def _preview_again(rows, unit: Unit, message: str, token: str, keep: bool = False):
    """The confirmation refused (422): the preview again with the message. Nothing written: the
    upload is forgotten, and staged anew only when it can still be confirmed. Some batches written
    (`keep`): the same upload, whose progress says where the next confirmation goes on."""
    if not keep:
        discard(STAGE, token)
    form = ImportForm(formdata=None, unit_id=unit.id)
    form.unit_id.choices = scope_choices(current_user.unit)
    form.form_errors.append(message)
    counts = confirm = None
    if rows:
        counts = importing.summary(rows)
        confirm = (ConfirmImportForm(formdata=None, token=token) if keep
                   else _staged_confirm(rows, counts, unit))
    return render("members/import.html", partial="members/_import.html", status=422, form=form,
                  rows=rows or None, counts=counts, confirm=confirm, unit=unit)
