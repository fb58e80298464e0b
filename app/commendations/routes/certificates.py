"""Certificates: a unit's certificate template (border, logo, signer, wording) with a sample, and one
honoree's certificate as a page and as a PDF (same markup and stylesheet)."""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.authz import get_or_404
from app.core.views import attempt, form_page, render
from app.printing.services import pdf_response, render_pdf
from app.units.models import Unit
from app.units.services import scope_choices

from .. import certificates as certs
from .. import documents
from ..forms import SettingForm
from ..models import Decision, Honoree
from . import bp

def _unit() -> Unit:
    """The user's own unit unless ?don_vi= names one below (the template is the issuer's)."""
    return get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), "commendation.issue")


@bp.route("/mau-giay-khen", methods=["GET", "POST"])
@login_required
def settings():
    """The certificate template of a unit (the user's own unless ?don_vi= names one below)."""
    unit = _unit()
    s = certs.setting_for(unit)
    form = SettingForm(obj=s, **{f"wording_{k}": certs.wording_of(s, k) for k in certs.WORDING_KINDS})
    form.logo.choices = certs.logo_choices()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: certs.save_setting(
                unit, issuer_line=form.issuer_line.data, title=form.title.data, border=form.border.data,
                logo=form.logo.data, signer_title=form.signer_title.data, signer_name=form.signer_name.data,
                place=form.place.data, wording=form.wording()),
            url=url_for(".settings", don_vi=unit.id), success="Đã lưu mẫu giấy khen.")):
        return answer
    return form_page("commendations/settings.html", "commendations/_settings_form.html", form, unit=unit,
                     units=scope_choices(current_user.unit), defaults=certs.DEFAULT_WORDING)


@bp.get("/mau-giay-khen/xem-thu")
@login_required
def settings_preview():
    """A sample certificate with the unit's saved template (the longest realistic name), before any decision."""
    unit = _unit()
    return render("commendations/settings_preview.html", partial="commendations/_settings_preview.html",
                  unit=unit, c=certs.certificate(*_sample(unit), certs.setting_for(unit)))


def _sample(unit):
    """An unsaved decision and honoree to fill the sample certificate (never added to the session)."""
    today = clock.today()
    school_year = f"{today.year - 1}-{today.year}"
    d = Decision(unit=unit, number="15/QĐ-HKH", decision_date=today, place="", school_year=school_year,
                 signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH", signer_name="", title="")
    h = Honoree(ho="Công Tằng Tôn Nữ", dem="Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái", ten="Bích",
                place="Lớp 9A1, Trường THCS Lai Vung", register_number=1,
                achievement=f"Đạt giải Nhất kỳ thi học sinh giỏi cấp tỉnh môn Ngữ văn năm học {school_year}, "
                            "có nhiều đóng góp cho phong trào khuyến học của địa phương")
    return d, h


def _one(honoree_id):
    h = get_or_404(Honoree, honoree_id)
    return h, certs.certificate_of(h)


@bp.get("/nguoi/<int:honoree_id>/giay-khen.pdf")
@login_required
def certificate_pdf(honoree_id):
    """One certificate on its own (A4 landscape)."""
    h, c = _one(honoree_id)
    return pdf_response(render_pdf(documents.CERTIFICATES_TEMPLATE, items=[c]), f"Giấy khen {h.full_name}.pdf")


@bp.get("/nguoi/<int:honoree_id>/xem-giay-khen")
@login_required
def certificate_preview(honoree_id):
    """The certificate as an HTML page (same markup and stylesheet as the PDF), before printing."""
    h, c = _one(honoree_id)
    return render("commendations/certificate_preview.html", partial="commendations/_certificate_preview.html",
                  h=h, c=c)
