"""A bank statement in: upload -> (the generic layout's columns) -> preview -> saved, then the queue.

Nothing is written before "Lưu": the read statement waits in a staged file (app.core.imports) owned
by the uploader and the account. Saving is idempotent (app.banking.services.save_statement): the same
statement confirmed twice, or uploaded again next month, adds no line.
"""
import json

from flask import current_app, flash, request, url_for
from flask_login import login_required

from app.core import imports, selection
from app.core.authz import get_or_404
from app.core.views import attempt, form_page, go, render

from .. import services, staging
from ..accounts import BankError
from ..import_forms import AUTO, ConfirmStatementForm, MappingForm, UploadForm
from ..matching import CATEGORIES, CATEGORY_LABELS
from ..models import IN, OUT, BankAccount
from ..statements import LAYOUT_BY_BIN, LAYOUTS, StatementError, guess_mapping, read_statement, sheet_preview
from . import bp

GENERIC = "generic"
SHOWN = 100  # lines listed per category on the preview (then "và N dòng nữa")
EXPIRED = "Phiên nhập sao kê đã hết hạn hoặc không hợp lệ, vui lòng tải tệp lên lại."


def _account(account_id) -> BankAccount:
    return get_or_404(BankAccount, account_id, "bank.import")


def _layout_choices() -> list[tuple[str, str]]:
    return [(AUTO, "Tự nhận biết theo tệp")] + list(LAYOUTS.items())


def _read(account: BankAccount, layout: str) -> str:
    """Read the upload: the preview's address, or the mapping page's for the generic layout (or a
    layout the file does not reveal). Raises BankError beside the file field."""
    data, filename = staging.read_file(request.files.get("file"), current_app.config.get("MAX_CONTENT_LENGTH"))
    if layout == GENERIC:
        _preview_rows(data, filename)  # a file that is no table is refused here, beside the file field
        return url_for(".statement_mapping", account_id=account.id, token=staging.stage_file(account, data, filename))
    try:
        parsed = read_statement(data, filename, layout=layout)
    except StatementError as err:
        if not layout and _undetected(err):  # no bank's layout fits: the user points at the columns
            return url_for(".statement_mapping", account_id=account.id,
                           token=staging.stage_file(account, data, filename))
        raise BankError(str(err), "file") from None
    services.check_account(account, parsed)
    token = staging.stage_parsed(account, parsed, filename, staging.digest_of(data))
    return url_for(".statement_preview", account_id=account.id, token=token)


PREVIEW_ROWS = 60  # a real Techcombank export has its header on row 34
SHOWN_ROWS = 12  # shown on the mapping page, from the header row on


def _preview_rows(data: bytes, filename: str) -> list[list[str]]:
    try:
        return sheet_preview(data, filename, PREVIEW_ROWS)
    except StatementError as err:
        raise BankError(str(err), "file") from None


def _undetected(err) -> bool:
    """The file is a table, but no bank's header row was found in it (app.banking.statements._not_found)."""
    return getattr(err, "undetected", False) or str(err).startswith("Không tìm thấy dòng tiêu đề")


@bp.route("/<int:account_id>/sao-ke", methods=["GET", "POST"])
@login_required
def statement_upload(account_id):
    """Upload the bank's export; the next page shows what it holds. Nothing is written."""
    account = _account(account_id)
    form = UploadForm()
    form.layout.choices = _layout_choices()
    if not form.is_submitted():
        form.layout.data = account.layout or LAYOUT_BY_BIN.get(account.bin, AUTO)
    if form.validate_on_submit() and (answer := attempt(form, lambda: _read(account, form.layout.data or AUTO),
                                                        url=lambda where: where, default_field="file")):
        return answer
    return form_page("banking/statement_upload.html", "banking/statement_upload_part.html", form, account=account)


def _preset(account: BankAccount, rows) -> dict:
    try:
        kept = json.loads(account.mapping_json or "{}")
    except ValueError:
        kept = {}
    return kept or guess_mapping(rows) or {}


@bp.route("/<int:account_id>/sao-ke/<token>/cot", methods=["GET", "POST"])
@login_required
def statement_mapping(account_id, token):
    """The generic layout: which column holds the date, the amount, the description... (kept on the account)."""
    account = _account(account_id)
    payload = staging.staged(account, token)
    if payload is None or "file" not in payload:
        flash(EXPIRED, "error")
        return go(url_for(".statement_upload", account_id=account.id))
    data, filename = staging.staged_file(payload), payload["filename"]
    rows = _preview_rows(data, filename)  # checked at the upload: the same bytes read the same
    preset = _preset(account, rows)
    # The rows around the header the guess (or the kept mapping) found: a bank's title rows above it
    # would fill a phone's screen with nothing to point at.
    first = max(0, min(int(preset.get("header_row") or 1), len(rows)) - 2)
    shown = rows[first:first + SHOWN_ROWS]
    form = MappingForm()
    form.set_columns(_headers(shown), len(rows))
    if not form.is_submitted():
        form.preset(preset)

    def work():
        mapping = form.mapping()
        try:
            parsed = read_statement(data, filename, layout=GENERIC, mapping=mapping)
        except StatementError as err:
            raise BankError(str(err)) from None
        services.check_account(account, parsed)
        services.remember_mapping(account, mapping)
        return url_for(".statement_preview", account_id=account.id,
                       token=staging.stage_parsed(account, parsed, filename, payload["digest"]))

    if form.validate_on_submit() and (answer := attempt(form, work, url=lambda where: where)):
        imports.discard(staging.STAGE, token)
        return answer
    return form_page("banking/statement_mapping.html", "banking/statement_mapping_part.html", form,
                     account=account, rows=shown, first_row=first + 1, token=token,
                     width=max((len(r) for r in shown), default=0))


def _headers(rows) -> list[str]:
    """A label per column: the first text without digits of the rows shown (the header is among them)."""
    width = max((len(r) for r in rows), default=0)
    out = []
    for i in range(width):
        texts = [str(r[i]).strip() for r in rows if i < len(r) and r[i] not in (None, "")]
        out.append(next((t for t in texts if not any(ch.isdigit() for ch in t)), texts[0] if texts else "")[:40])
    return out


def _preview_page(account, token, payload, form, status=200):
    parsed = staging.load(payload["statement"])
    pv = services.preview(account, parsed)
    groups = [(c, CATEGORY_LABELS[c], pv.counts.get(c, 0), pv.category(c, SHOWN)) for c in CATEGORIES]
    return render("banking/statement_preview.html", partial="banking/statement_preview_part.html", status=status,
                  account=account, token=token, filename=payload["filename"], pv=pv, groups=groups, form=form,
                  incoming=pv.totals(IN), outgoing=pv.totals(OUT), shown=SHOWN)


@bp.get("/<int:account_id>/sao-ke/<token>")
@login_required
def statement_preview(account_id, token):
    """Period, balances, how many lines are new, and each new line's match; "Lưu" saves them."""
    account = _account(account_id)
    payload = staging.staged(account, token)
    if payload is None or "statement" not in payload:
        flash(EXPIRED, "error")
        return go(url_for(".statement_upload", account_id=account.id))
    return _preview_page(account, token, payload, ConfirmStatementForm())


@bp.post("/<int:account_id>/sao-ke/<token>/luu")
@login_required
def statement_confirm(account_id, token):
    """Save the statement and its new lines (in batches; again: continues, never twice), then the queue."""
    account = _account(account_id)
    form = ConfirmStatementForm()
    if form.validate_on_submit() and (url := selection.replayed_url(form.idem_key.data)):
        return go(url)  # a second click after the first saved it: the same answer
    payload = staging.staged(account, token)
    if payload is None or "statement" not in payload:
        flash(EXPIRED, "error")
        return go(url_for(".statement_upload", account_id=account.id))
    if not form.validate_on_submit():
        return _preview_page(account, token, payload, form, status=422)

    def queue(statement) -> str:
        return url_for(".lines", account_id=account.id, sao_ke=statement.id)

    saved = attempt(form, lambda: services.save_statement(
        account, staging.load(payload["statement"]), filename=payload["filename"], digest=payload["digest"],
        key=form.idem_key.data, url=queue))
    if saved is None:
        return _preview_page(account, token, payload, form, status=422)
    done = saved.written
    if not done.finished:  # the request's time ran out: the next click goes on
        form.form_errors.append(f"Đã lưu {done.done}/{done.total} giao dịch; bấm “Lưu” lần nữa để lưu tiếp "
                                "(không lưu trùng).")
        return _preview_page(account, token, payload, form, status=422)
    imports.discard(staging.STAGE, token)
    statement = saved.statement
    if done.by_me:
        flash(f"Đã lưu sao kê: {statement.lines_new} giao dịch mới"
              + (f", {statement.lines_total - statement.lines_new} giao dịch đã có từ trước." if
                 statement.lines_total > statement.lines_new else "."), "success")
    else:
        flash("Sao kê này đã được nhập trước đó: không có giao dịch mới.", "success")
    return go(queue(statement))


__all__ = ["statement_upload", "statement_mapping", "statement_preview", "statement_confirm"]
