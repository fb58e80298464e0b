"""Certificates: a unit's certificate template (design, paper, logo, signer, wording) with a live
sample, and one honoree's certificate as a page and as a PDF (same markup and stylesheet)."""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core.authz import get_or_404
from app.core.views import attempt, form_page, render
from app.printing.services import pdf_response, render_pdf
from app.units.models import Unit
from app.units.services import scope_choices

from .. import certificates as certs
from .. import documents
from ..forms import SettingForm
from ..models import PAPERS, Honoree
from . import bp

def _unit() -> Unit:
    """The user's own unit unless ?don_vi= names one below (the template is the issuer's)."""
    return get_or_404(Unit, request.values.get("don_vi", current_user.unit_id), "commendation.issue")


def _page(unit: Unit, form: SettingForm, s, unsaved: bool = False) -> dict:
    """What the settings page and the preview page show besides the form: the sample certificate."""
    kind = form.sample.data if form.sample.data in certs.WORDING_KINDS else "achievement"
    logo_upload = url_for(".logo", don_vi=unit.id)  # the logo upload page (routes/logos.py)
    return {"unit": unit, "units": scope_choices(current_user.unit), "defaults": certs.DEFAULT_WORDING,
            "c": certs.sample(unit, s, kind), "kind": kind, "kinds": certs.WORDING_KINDS, "papers": PAPERS,
            "unsaved": unsaved, "logo_upload_url": logo_upload}


@bp.route("/mau-giay-khen", methods=["GET", "POST"])
@login_required
def settings():
    """The certificate template of a unit (the user's own unless ?don_vi= names one below)."""
    unit = _unit()
    s = certs.setting_for(unit)
    form = SettingForm(obj=s, **{f"wording_{k}": certs.wording_of(s, k) for k in certs.WORDING_KINDS})
    form.logo.choices = certs.logo_choices(unit)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: certs.save_setting(unit, **form.values()),
            url=url_for(".settings", don_vi=unit.id), success="Đã lưu mẫu giấy khen.")):
        return answer
    return form_page("commendations/settings.html", "commendations/_settings_form.html", form,
                     **_page(unit, form, s))


@bp.route("/mau-giay-khen/xem-thu", methods=["GET", "POST"])
@login_required
def settings_preview():
    """A sample certificate before any decision: with the form's values when they come in (the live
    preview, "Xem thử"; nothing is saved), else with the unit's saved template. Without JavaScript
    "Xem thử" POSTs here, so the form's CSRF token never lands in a URL (history, proxy logs,
    Referer); htmx asks with GET and leaves the token out. Invalid values answer 422 beside the field."""
    unit = _unit()
    values = request.form if request.method == "POST" else request.args
    if "border" in values:
        form = SettingForm(values)
        form.logo.choices = certs.logo_choices(unit)
        if request.method == "POST" and not form.validate():
            s, unsaved = certs.setting_for(unit), False
        else:
            s, unsaved = certs.unsaved_setting(unit, **form.values()), True
    else:
        s, unsaved = certs.setting_for(unit), False
        form = SettingForm(request.args, obj=s,
                           **{f"wording_{k}": certs.wording_of(s, k) for k in certs.WORDING_KINDS})
        form.logo.choices = certs.logo_choices(unit)
    return form_page("commendations/settings_preview.html", "commendations/_settings_preview.html",
                     form, **_page(unit, form, s, unsaved))


def _one(honoree_id):
    h = get_or_404(Honoree, honoree_id)
    return h, certs.certificate_of(h)


@bp.get("/nguoi/<int:honoree_id>/giay-khen.pdf")
@login_required
def certificate_pdf(honoree_id):
    """One certificate on its own (A4 or A5 landscape, as the unit's template says)."""
    h, c = _one(honoree_id)
    return pdf_response(render_pdf(documents.CERTIFICATES_TEMPLATE, items=[c]), f"Giấy khen {h.full_name}.pdf")


@bp.get("/nguoi/<int:honoree_id>/xem-giay-khen")
@login_required
def certificate_preview(honoree_id):
    """The certificate as an HTML page (same markup and stylesheet as the PDF), before printing."""
    h, c = _one(honoree_id)
    return render("commendations/certificate_preview.html", partial="commendations/_certificate_preview.html",
                  h=h, c=certs.as_page(c, certs.setting_for(h.decision.unit), h.id))
