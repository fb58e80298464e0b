"""Correcting an entry of a closed period (bút toán điều chỉnh): the ledger offers it instead of
"Hủy" once the entry's month or year is closed (app.periods). Same blueprint as the fund pages."""
from flask import flash, url_for
from flask_login import login_required

from app.core import clock
from app.core.authz import authorize, get_or_404
from app.core.views import attach_error, form_page, go, render
from app.extensions import db

from . import services
from .forms import CorrectForm
from .models import LedgerEntry
from .routes import bp


def correction_refusal(entry: LedgerEntry) -> str:
    """Why this entry cannot be corrected now, or "" when it can."""
    from app.periods.services import is_closed

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
    entry = get_or_404(LedgerEntry, entry_id, "money.write")
    legs = services.transfer_legs(entry)
    for leg in legs:
        authorize("money.write", leg)  # both legs of a transfer must be within the user's scope
    back = url_for(".detail", fund_id=entry.fund_id)
    refusal = correction_refusal(entry)
    form = CorrectForm()
    if refusal:
        if form.is_submitted():
            flash(refusal, "error")
            return go(back)
        return render("funds/correct.html", entry=entry, legs=legs, form=form, refusal=refusal, back=back,
                      today=clock.today())
    if form.validate_on_submit():
        try:
            services.correct(entry, form.reason.data)
            db.session.commit()
        except services.FundError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash(f"Đã ghi bút toán điều chỉnh {entry.number or 'bút toán'} vào ngày hôm nay.", "success")
            return go(back)
    return form_page("funds/correct.html", "funds/_correct_form.html", form, entry=entry, legs=legs,
                     refusal="", back=back, today=clock.today())
