"""One ledger entry: its printed receipt/voucher, voiding it (through its owner, app.books.owners),
and correcting it once its period is closed (bút toán điều chỉnh: the ledger offers it instead of
"Hủy" once the entry's month or year is closed, app.periods)."""
from flask import abort, flash, url_for
from flask_login import current_user, login_required

from app.books import owners
from app.core import clock
from app.core.authz import authorize, get_or_404
from app.core.views import attempt, form_page, go, render
from app.periods.services import is_closed

from .. import services
from ..forms import CorrectForm, VoidForm
from ..models import LedgerEntry
from . import bp


@bp.get("/but-toan/<int:entry_id>/phieu.pdf")
@login_required
def receipt_pdf(entry_id):
    """Phiếu thu (income) or phiếu chi (payment), A5 portrait; voided ones say ĐÃ HỦY."""
    entry = get_or_404(LedgerEntry, entry_id)
    if not entry.number:
        abort(404)  # reversals have no document of their own; the original prints ĐÃ HỦY
    from app.printing.services import pdf_response, render_pdf  # heavy: loaded when first needed

    pdf = render_pdf("pdf/funds/voucher.html", entry=entry, reversal=services.reversal_of(entry))
    title = "Phiếu thu" if entry.kind == "PT" else "Phiếu chi"
    return pdf_response(pdf, f"{title} {entry.number}.pdf")


def _entry_legs(entry_id):
    """The entry (money.write in scope) and its legs: both legs of a transfer must be in the user's scope."""
    entry = get_or_404(LedgerEntry, entry_id, "money.write")
    legs = services.transfer_legs(entry)
    for leg in legs:
        authorize("money.write", leg)
    return entry, legs, url_for(".detail", fund_id=entry.fund_id)


def _refused(form, why: str, back: str, template: str, **ctx):
    """The entry may not be voided or corrected here: a POST flashes why and goes back, a GET shows
    the page saying it, without the form."""
    if form.is_submitted():
        flash(why, "error")
        return go(back)
    return render(template, form=form, back=back, **ctx)


@bp.route("/but-toan/<int:entry_id>/huy", methods=["GET", "POST"])
@login_required
def void(entry_id):
    """Void an entry through its owner (app.books.owners): a payment, transfer or correction here;
    a gift, a pig's count, an award or a per-person prize here too, through that record's own void,
    so the record and the ledger change in one transaction; anything else (a list's one voucher)
    is refused with a link to its owner's page. GET is the confirmation page without JavaScript."""
    entry, legs, back = _entry_legs(entry_id)
    plan = owners.void_plan(entry, current_user)
    form = VoidForm()
    if not plan.here:
        return _refused(form, plan.refusal, back, "funds/void.html", entry=entry, legs=legs, plan=plan)
    what = "" if plan.own else f" cùng {plan.owner.label} đã ghi nó"
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: owners.void(entry, form.reason.data), url=back, default_field="reason",
            success=f"Đã hủy bút toán {entry.number or ''}{what}.".replace("  ", " "))):
        return answer
    return form_page("funds/void.html", "funds/_void_form.html", form, entry=entry, legs=legs, plan=plan,
                     back=back)


def correction_refusal(entry: LedgerEntry) -> str:
    """Why this entry cannot be corrected now, or "" when it can."""
    refusal = services.correction_refusal(entry)
    if refusal:
        return refusal
    legs = services.transfer_legs(entry)
    if any(services.is_reversed(leg) for leg in legs):
        return "Bút toán này đã được hủy trước đó."
    if any(services.correction_of(leg) is not None for leg in legs):
        return "Bút toán này đã được điều chỉnh trước đó."
    if not any(is_closed(leg.unit_id, leg.entry_date) for leg in legs):
        return "Kỳ của bút toán này chưa khóa sổ: hãy hủy bút toán thay vì ghi điều chỉnh."
    return ""


@bp.route("/but-toan/<int:entry_id>/dieu-chinh", methods=["GET", "POST"])
@login_required
def correct(entry_id):
    """Post the correction of an entry of a closed period, dated today; GET is the confirmation page."""
    entry, legs, back = _entry_legs(entry_id)
    refusal = correction_refusal(entry)
    form = CorrectForm()
    if refusal:
        return _refused(form, refusal, back, "funds/correct.html", entry=entry, legs=legs, refusal=refusal,
                        today=clock.today())
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.correct(entry, form.reason.data), url=back,
            success=f"Đã ghi bút toán điều chỉnh {entry.number or 'bút toán'} vào ngày hôm nay.")):
        return answer
    return form_page("funds/correct.html", "funds/_correct_form.html", form, entry=entry, legs=legs,
                     refusal="", back=back, today=clock.today())
