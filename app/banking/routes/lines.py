"""The queue of an account's bank lines and the treasurer's decisions on them (issue 17 B).

One page, one bulk form (JavaScript off works): a checkbox per line, for incoming lines the donor's
name and the drive (preset by the match, editable), and the buttons: post the ticked lines as
transfer gifts, post every matched line of the filter (all pages, one action), link the ticked
lines to the book entries suggested, or set them aside with a reason. The form carries the list's
query string (hidden f.* inputs) so every answer comes back to the same filter and page.
"""
from flask import abort, flash, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from app.core import selection
from app.core.authz import get_or_404
from app.core.views import attempt, confirm_action, go, page_number, render

from .. import queue, services
from ..import_forms import LineFilterForm, LinesForm, ReopenForm
from ..models import BankAccount, BankLine
from . import bp

POST_PICKED, POST_MATCHED, LINK = "post", "post_matched", "link"


def _criteria(filters: LineFilterForm) -> queue.Criteria:
    ok = filters.validate()
    return queue.Criteria(status=filters.status.data or "", category=filters.category.data or "",
                          statement_id=(filters.statement_id.data or None) if ok else None,
                          date_from=filters.date_from.data if ok else None, date_to=filters.date_to.data if ok else None,
                          q=(filters.q.data or "")[:100])


def _filters(account, args) -> LineFilterForm:
    filters = LineFilterForm(args)
    filters.statement_id.choices = queue.statement_choices(account)
    return filters


def _queue_page(account, args, form, status=200, posted=None):
    filters = _filters(account, args)
    q = queue.build(account, _criteria(filters), page_number() if posted is None else _page_of(args))
    wanted = [r.match.campaign_id for r in q.page.items if r.match and r.match.campaign_id]
    return render("banking/lines.html", partial="banking/lines_part.html", status=status, account=account,
                  filters=filters, queue=q, form=form, campaigns=queue.campaign_choices(account, wanted),
                  posted=posted if posted is not None else MultiDict(), args=args)


def _page_of(args) -> int:
    raw = args.get("trang", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


@bp.get("/<int:account_id>/giao-dich")
@login_required
def lines(account_id):
    """The account's lines (waiting ones first by default), each with its suggestion; the bulk form."""
    account = get_or_404(BankAccount, account_id, "view")
    return _queue_page(account, request.args, LinesForm())


def _back(account, sel) -> str:
    return sel.back_url(".lines", anchor=None, account_id=account.id)


@bp.post("/<int:account_id>/giao-dich/ghi")
@login_required
def lines_post(account_id):
    """Post the ticked lines (or every matched line of the filter) as transfer gifts, or link the ticked
    lines to the book entries chosen. A double submit writes once and lands where the first did."""
    account = get_or_404(BankAccount, account_id, "bank.import")
    form = LinesForm()
    sel = selection.read_selection(request.form)
    back = _back(account, sel)
    if form.validate_on_submit() and (url := selection.replayed_url(form.idem_key.data)):
        return go(url)
    if not form.validate_on_submit():
        return _queue_page(account, sel.args, form, status=422, posted=request.form)
    action = request.form.get("action", POST_PICKED)
    if action == LINK:
        if answer := attempt(form, lambda: _link(account, sel.ids), once=True, url=lambda _: back,
                             success="Đã khớp các giao dịch với bút toán trong sổ.", default_field="ids"):
            return answer
        return _queue_page(account, sel.args, form, status=422, posted=request.form)
    if action == POST_MATCHED:
        decisions = queue.matched_decisions(account, _criteria(_filters(account, sel.args)), request.form)
    else:
        decisions = queue.picked_decisions(account, sel.ids, request.form)
    done = attempt(form, lambda: services.post_lines(account, decisions, key=form.idem_key.data, url=back),
                   default_field="ids")
    if done is None:
        return _queue_page(account, sel.args, form, status=422, posted=request.form)
    if not done.finished:  # the request's time ran out: the same button again goes on (same key)
        form.form_errors.append(f"Đã ghi {done.done}/{done.total} giao dịch; bấm lại nút vừa bấm để ghi tiếp "
                                "(không ghi trùng).")
        return _queue_page(account, sel.args, form, status=422, posted=request.form)
    if done.by_me:
        flash(f"Đã ghi {done.total} giao dịch thành khoản đóng góp chuyển khoản.", "success")
    return go(back)


def _link(account, ids):
    pairs = queue.picked_links(account, ids, request.form)
    if not pairs:
        raise services.BankError("Chưa chọn giao dịch nào.", "ids")
    return [services.link_line(line, entry) for line, entry in pairs]


@bp.post("/<int:account_id>/giao-dich/bo-qua")
@login_required
def lines_ignore(account_id):
    """Set the ticked lines aside with a reason (they stay listed under "Đã bỏ qua")."""
    account = get_or_404(BankAccount, account_id, "bank.import")
    form = LinesForm()
    sel = selection.read_selection(request.form)
    back = _back(account, sel)
    if form.validate_on_submit():
        if answer := attempt(form, lambda: services.ignore_lines(queue.picked_lines(account, sel.ids),
                                                                 form.reason.data or ""),
                             once=True, url=lambda _: back, success="Đã bỏ qua các giao dịch đã chọn.",
                             default_field="ids"):
            return answer
    return _queue_page(account, sel.args, form, status=422, posted=request.form)


@bp.post("/<int:account_id>/giao-dich/<int:line_id>/mo-lai")
@login_required
def line_reopen(account_id, line_id):
    """A line set aside, or whose gift was voided, back to the queue."""
    account = get_or_404(BankAccount, account_id, "bank.import")
    line = get_or_404(BankLine, line_id, "bank.import")
    if line.bank_account_id != account.id:
        abort(404)
    back = url_for(".lines", account_id=account.id, trang_thai="all")
    answer = confirm_action(ReopenForm(), lambda: services.reopen_line(line), back=back,
                            success="Đã đưa giao dịch về danh sách chờ xử lý.")
    if answer is None:
        flash("Biểu mẫu đã cũ, vui lòng tải lại trang.", "error")
        return go(back)
    return answer


__all__ = ["lines", "lines_post", "lines_ignore", "line_reopen"]
