"""Pages that ask someone to pay, each with its VietQR (the QR itself: app.banking.qr.pay_box):

    appeal_pdf      a drive's printable appeal letter (thư ngỏ, A4), the QR large enough to scan
                    from a wall and the drive's payment code printed big beside it
    reminder        a donor's reminder (giấy báo đóng góp) for one drive: the donor's own code, and a
                    dynamic QR when ?so_tien= fixes the amount; reminder_pdf prints it on A5

The drive's page, a donor's page and a gift's page link here or show the QR box themselves
(templates/campaigns/detail.html, donations/donor.html, donations/_detail.html). A closed drive,
or one whose unit and the units above it have no bank account, asks nobody to pay: the link is not
offered, and a typed URL lands back where it came from with a message.
"""
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.campaigns.models import Campaign
from app.core.authz import get_or_404
from app.core.clock import today
from app.core.refusal import Refusal
from app.core.views import attach_error, go, render
from app.donations.donors import Donor

from .. import pay
from ..codes import donor_code, drive_code
from ..forms import ReminderForm
from ..qr import pay_box
from . import bp





def _closed_or_unpaid(campaign: Campaign) -> str:
    """Why nobody may be asked to pay into `campaign` now ("" when they may)."""
    if not campaign.is_open:
        return f"Đợt vận động “{campaign.name}” đã kết thúc, không nhận thêm đóng góp."
    return ""


def _no_account(campaign: Campaign) -> str:
    return (f"Chưa có tài khoản ngân hàng của {campaign.unit.name} (hoặc đơn vị cấp trên) để in mã QR "
            "chuyển khoản. Vui lòng thêm tài khoản ngân hàng trước.")


@bp.get("/van-dong/<int:campaign_id>/thu-ngo.pdf")
@login_required
def appeal_pdf(campaign_id):
    """The drive's appeal letter (thư ngỏ vận động), A4: who asks, for what, and how to transfer."""
    campaign = get_or_404(Campaign, campaign_id)
    back = url_for("campaigns.detail", campaign_id=campaign.id)
    if why := _closed_or_unpaid(campaign):
        flash(why, "error")
        return go(back)
    code = drive_code(campaign)
    box = pay_box(campaign.unit, code)
    if box is None:
        flash(_no_account(campaign), "error")
        return go(back)
    from app.printing.services import pdf_response, render_pdf  # heavy: loaded when first needed

    pdf = render_pdf("pdf/banking/appeal.html", campaign=campaign, pay=box, code=code, today=today())
    return pdf_response(pdf, f"Thư ngỏ {campaign.name}.pdf")


def _reminder_parts(campaign_id, donor_id):
    """The drive and the donor (both in the user's scope, of one unit tree), else 404."""
    campaign = get_or_404(Campaign, campaign_id)
    donor = get_or_404(Donor, donor_id)
    if not pay.same_tree(campaign, donor):
        abort(404)
    return campaign, donor


def _reminder(campaign_id, donor_id):
    """(campaign, donor, form, amount, box, answer): `answer` set when the view must answer with it
    at once (a merged donor's reminder moves to the kept donor; a closed or unpaid drive goes back)."""
    campaign, donor = _reminder_parts(campaign_id, donor_id)
    form = ReminderForm(request.args)
    if donor.merged_into_id:
        kept = get_or_404(Donor, donor.merged_into_id)
        return campaign, donor, form, None, None, go(url_for(request.endpoint, campaign_id=campaign.id,
                                                              donor_id=kept.id, **request.args.to_dict()))
    back = url_for("donations.donor_detail", donor_id=donor.id)
    if why := _closed_or_unpaid(campaign):
        flash(why, "error")
        return campaign, donor, form, None, None, go(back)
    amount = None
    try:
        amount = pay.reminder_amount(form.amount.data)
    except Refusal as err:
        attach_error(form, err, "amount")
        return campaign, donor, form, None, None, None
    box = pay_box(campaign.unit, donor_code(campaign, donor), amount)
    if box is None:
        flash(_no_account(campaign), "error")
        return campaign, donor, form, amount, None, go(back)
    return campaign, donor, form, amount, box, None


@bp.get("/van-dong/<int:campaign_id>/nguoi-gop/<int:donor_id>")
@login_required
def reminder(campaign_id, donor_id):
    """A donor's giấy báo đóng góp for one drive, with the donor's code; ?so_tien= fixes the amount."""
    campaign, donor, form, amount, box, answer = _reminder(campaign_id, donor_id)
    if answer is not None:
        return answer
    return render("banking/reminder.html", partial="banking/reminder_part.html", status=422 if form.errors else 200,
                  campaign=campaign, donor=donor, form=form, amount=amount, pay=box,
                  code=donor_code(campaign, donor))


@bp.get("/van-dong/<int:campaign_id>/nguoi-gop/<int:donor_id>/giay-bao.pdf")
@login_required
def reminder_pdf(campaign_id, donor_id):
    """The reminder on A5, to hand or post to the donor; a bad amount goes back to the page, which says why."""
    campaign, donor, form, amount, box, answer = _reminder(campaign_id, donor_id)
    if answer is not None:
        return answer
    if box is None:  # the amount was refused: the page shows the message beside the field
        return go(url_for(".reminder", campaign_id=campaign.id, donor_id=donor.id, **request.args.to_dict()))
    from app.printing.services import pdf_response, render_pdf  # heavy: loaded when first needed

    pdf = render_pdf("pdf/banking/reminder.html", campaign=campaign, donor=donor, amount=amount, pay=box,
                     code=donor_code(campaign, donor), today=today(), user=current_user)
    return pdf_response(pdf, f"Giấy báo đóng góp {donor.name}.pdf")


@bp.app_template_global("reminder_drives")
def reminder_drives(donor) -> list:
    """For a donor's page: the open drives (with an account to pay into) a reminder may name."""
    if not current_user.is_authenticated or current_user.unit is None or donor.merged_into_id:
        return []
    return pay.drives_for_donor(donor, current_user.unit)
