"""Prize money after issuing: hoàn chi (void the phiếu chi with a reason) and chi lại (a new phiếu chi),
for one honoree ("each" mode) or the whole list's one voucher ("total" mode). Treasurers only
("commendation.pay"); GET is the confirmation page without JavaScript."""
from flask import url_for
from flask_login import login_required

from app.core import clock
from app.core.authz import get_or_404
from app.core.views import attempt, form_page

from .. import prize_goods, prizes
from ..forms import PrizePayForm, PrizeReverseForm
from ..models import Decision, Honoree
from . import bp


def _reverse(target):
    d = prizes.decision_of(target)
    back = url_for(".detail", decision_id=d.id)
    form = PrizeReverseForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: prizes.reverse_prize(target, form.reason.data), url=back, default_field="reason",
            success=lambda _: f"Đã hoàn chi tiền thưởng của {prizes.label_of(target)}.")):
        return answer
    return form_page("commendations/prize_reverse.html", "commendations/_prize_reverse_form.html", form,
                     entry=prizes.entry_of(target), action=_action(target, "reverse"),
                     **_context(target, d, back, "reverse"))


def _paid_text(target) -> str:
    entry = prizes.entry_of(target)  # None for a prize in goods only (AWARD-GOODS)
    return f"Đã chi lại tiền thưởng của {prizes.label_of(target)}" + (f" (phiếu chi {entry.number})." if entry else ".")


def _pay(target):
    d = prizes.decision_of(target)
    back = url_for(".detail", decision_id=d.id)
    form = PrizePayForm(paid_on=clock.today())
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: prizes.pay_prize(target, form.paid_on.data), once=True, url=lambda _: back,
            default_field="paid_on", success=_paid_text)):
        return answer
    return form_page("commendations/prize_pay.html", "commendations/_prize_pay_form.html", form,
                     action=_action(target, "pay"), **_context(target, d, back, "pay"))


def _context(target, d, back, what: str) -> dict:
    """What both pages show: the prize, whether it is paid, and why it cannot be touched here
    (with a link to the page where it can: the decision's for one voucher, a row's for each person)."""
    problem = prizes.refusal(target)
    proper = prizes.target_of(target)
    other_page = None
    if problem:
        other_page = (_action(proper, what) if proper is not target and d.frozen else back, problem)
    return {"target": target, "d": d, "back": back, "amount": prizes.amount_of(target),
            "goods": prize_goods.tally(prize_goods.honorees_of(target)).text(),  # the prize in goods, if any
            "paid": prizes.is_paid(target), "label": prizes.label_of(target), "other_page": other_page}


def _action(target, what: str) -> str:
    if isinstance(target, Honoree):
        return url_for(".prize_reverse" if what == "reverse" else ".prize_pay", honoree_id=target.id)
    return url_for(".decision_prize_reverse" if what == "reverse" else ".decision_prize_pay", decision_id=target.id)


@bp.route("/nguoi/<int:honoree_id>/hoan-chi-thuong", methods=["GET", "POST"])
@login_required
def prize_reverse(honoree_id):
    """Hoàn chi one honoree's prize (a decision paying each person by a phiếu chi of their own)."""
    return _reverse(get_or_404(Honoree, honoree_id, "commendation.pay"))


@bp.route("/nguoi/<int:honoree_id>/chi-lai-thuong", methods=["GET", "POST"])
@login_required
def prize_pay(honoree_id):
    """Chi lại one honoree's prize after a reversal: a new phiếu chi."""
    return _pay(get_or_404(Honoree, honoree_id, "commendation.pay"))


@bp.route("/quyet-dinh/<int:decision_id>/hoan-chi-thuong", methods=["GET", "POST"])
@login_required
def decision_prize_reverse(decision_id):
    """Hoàn chi the whole list's one phiếu chi (a decision paid with one voucher)."""
    return _reverse(get_or_404(Decision, decision_id, "commendation.pay"))


@bp.route("/quyet-dinh/<int:decision_id>/chi-lai-thuong", methods=["GET", "POST"])
@login_required
def decision_prize_pay(decision_id):
    """Chi lại the whole list's prize money with a new phiếu chi after a reversal."""
    return _pay(get_or_404(Decision, decision_id, "commendation.pay"))
