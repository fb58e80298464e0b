"""Importing nominations from a school's .xlsx list: template, upload and preview, confirm; export."""
import json
import secrets
import time
from pathlib import Path

from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.core import idempotency
from app.core.authz import get_or_404
from app.core.export import export_table
from app.core.views import attach_error, form_page, go
from app.core.xlsx import XlsxError, export_response, read_upload
from app.extensions import db

from . import importing, services
from .forms import ConfirmImportForm, ImportForm
from .models import ScholarshipRound
from .routes import bp, filtered_nominations

MAX_AGE = 6 * 3600  # an upload waits this long for its confirmation


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(rows, rnd, proposer: str) -> str:
    """Keep the checked rows until the user confirms: nothing reaches the database before that."""
    folder = _folder()
    for old in folder.glob("hb-*"):
        if time.time() - old.stat().st_mtime > MAX_AGE:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"hb-{token}.json").write_text(json.dumps(
        {"user_id": current_user.id, "round_id": rnd.id, "proposer": proposer,
         "rows": importing.dump_rows(rows)}))
    return token


def _load(token: str, rnd):
    """The stored preview of this user for this round, or None."""
    if not token.isalnum() or len(token) != 32:
        return None
    meta_path = _folder() / f"hb-{token}.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if meta["user_id"] != current_user.id or meta["round_id"] != rnd.id:
        return None
    return meta


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
    rows, token = None, None
    if form.validate_on_submit():
        try:
            sheet = read_upload(request.files.get("file"), max_rows=importing.MAX_ROWS)
            rows = importing.parse_rows(rnd, sheet)
            token = _store(rows, rnd, form.proposer.data or "")
        except (XlsxError, services.RoundError) as err:
            rows = None
            attach_error(form, err, "file")
    good = sum(1 for r in rows if r.ok) if rows else 0
    return form_page("scholarships/import.html", "scholarships/_import.html", form, rnd=rnd, rows=rows,
                     good=good, confirm=ConfirmImportForm(token=token) if token else None)


@bp.route("/<int:round_id>/nhap-excel/xac-nhan", methods=["POST"])
@login_required
def import_confirm(round_id):
    """Write the previewed rows without problems; a repeated submit imports once."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.write")
    form = ConfirmImportForm()
    back = url_for(".round_detail", round_id=rnd.id)
    meta = _load(form.token.data or "", rnd) if form.validate_on_submit() else None
    if meta is None:
        flash("Phiên nhập đã hết hạn hoặc không hợp lệ, vui lòng tải tệp lên lại.", "error")
        return go(url_for(".import_upload", round_id=rnd.id))
    try:
        rows = importing.load_rows(rnd, meta["rows"])
        result = {}
        done = idempotency.once(form.idem_key.data,
                                lambda: (result.update(importing.commit_import(rnd, rows, meta["proposer"])), rnd)[1],
                                url=lambda r: back)
        db.session.commit()
    except (XlsxError, services.RoundError) as err:
        db.session.rollback()
        flash(str(err), "error")
        return go(url_for(".import_upload", round_id=rnd.id))
    if done.created:
        flash(f"Đã nhập {result['nominations']} đề cử ({result['new_pupils']} học sinh mới); "
              f"bỏ qua {result['skipped']} dòng có lỗi.", "success")
    return go(done.url)


@bp.get("/<int:round_id>/xuat-excel")
@login_required
def export(round_id):
    """The round's nominations (the selection page's filters) as .xlsx, or CSV with ?format=csv,
    in Vietnamese name order."""
    rnd = get_or_404(ScholarshipRound, round_id)
    _, _, stmt = filtered_nominations(rnd, request.args)
    noms = db.session.scalars(stmt).all()
    rows = [[i, n.pupil.full_name, n.pupil.birth_text, n.pupil.class_text,
             n.pupil.school.name if n.pupil.school else "", n.pupil.village, ", ".join(n.pupil.circumstances),
             n.category.name, n.amount if n.status == "approved" else n.category.amount, n.status_label,
             n.decision_reason] for i, n in enumerate(noms, start=1)]
    return export_table(f"Đề cử - {rnd.name}.xlsx", ["STT", "Họ và tên", "Ngày sinh", "Lớp", "Trường", "Thôn, ấp",
                                                      "Hoàn cảnh", "Loại học bổng", "Số tiền", "Trạng thái",
                                                      "Lý do không duyệt"], rows, sheet_title="Đề cử")
