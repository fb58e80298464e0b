"""Imports: donations from .xlsx: the template, upload → preview, confirmation."""
from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize
from app.core.views import attempt, form_page, go, render
from app.core.xlsx import export_response

from .. import importer
from ..forms import ImportForm
from . import bp


@bp.get("/nhap-excel/mau.xlsx")
@login_required
def import_template():
    """The .xlsx template with Vietnamese headers and one example row."""
    authorize("donation.write")
    return export_response("mau-nhap-dong-gop.xlsx", importer.HEADERS, importer.template_rows(), "Đóng góp")


@bp.route("/nhap-excel", methods=["GET", "POST"])
@login_required
def import_upload():
    """Upload a filled template; the parsed rows are kept server-side and previewed."""
    authorize("donation.write")
    form = ImportForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: importer.upload(current_user, current_user.unit, request.files.get("file"),
                                          current_app.config.get("MAX_CONTENT_LENGTH")),
            url=lambda imp: url_for(".import_preview", token=imp.token))):
        return answer
    return form_page("donations/import.html", "donations/_import_form.html", form)


@bp.route("/nhap-excel/<token>", methods=["GET", "POST"])
@login_required
def import_preview(token):
    """The preview of an upload (each row's problem); POST writes the rows without problems."""
    imp = importer.load(token)
    if imp is None:
        abort(404)
    authorize("donation.write", imp)
    mine = imp.user_id == current_user.id
    rows = importer.rows_of(imp)
    form = ImportForm()
    if request.method == "POST" and not mine:
        # Others in scope may look at an upload, only its uploader writes it.
        form.form_errors.append("Chỉ người đã tải tệp lên mới xác nhận ghi được.")
    elif form.validate_on_submit() and imp.confirmed_at is None:
        done = attempt(form, lambda: importer.confirm(imp, lambda c: authorize("donation.write", c),
                                                      form.idem_key.data, url_for(".index")))
        if done is None:  # a row gone stale since the preview: refused beside the form
            _stopped_at(form, importer.written(imp), len(importer.rows_to_write(imp)))
        else:
            if done.by_me:
                flash(f"Đã nhập {done.total} khoản đóng góp từ tệp Excel.", "success")
            if done.finished:
                return go(url_for(".index"))
            _stopped_at(form, done.done, done.total)
    ok = [r for r in rows if not r["errors"]]
    status = 422 if (form.errors or form.form_errors) else 200
    return render("donations/import_preview.html", partial="donations/_import_preview.html", status=status,
                  imp=imp, mine=mine, rows=rows, ok_count=len(ok), ok_total=sum(r["amount"] for r in ok),
                  ok_goods=sum(1 for r in ok if r.get("method") == "in_kind"), form=form,
                  written=importer.written(imp))


def _stopped_at(form, done: int, total: int) -> None:
    """A confirmation that stopped half-way says how far it got: confirming again writes the rest."""
    if 0 < done < total:
        form.form_errors.append(f"Đã ghi {done}/{total} khoản vào sổ; còn {total - done} khoản chưa ghi. "
                                "Bấm “Xác nhận” lần nữa để ghi tiếp phần còn lại (không ghi trùng).")
