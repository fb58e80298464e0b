"""A unit's own logo for its certificates: upload (PNG or SVG, sanitised), remove."""
from flask import abort, make_response, request, url_for
from flask_login import current_user, login_required

from app.core.authz import get_or_404
from app.core.views import attempt, confirm_action, form_page, go
from app.units.models import Unit
from app.units.services import scope_choices

from .. import logos
from ..logo_forms import ACCEPT, LogoForm, RemoveLogoForm
from . import bp


def _unit() -> Unit:
    """The user's own unit unless ?don_vi= names one below (as the certificate settings page)."""
    return get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), "commendation.issue")


@bp.route("/mau-giay-khen/bieu-trung", methods=["GET", "POST"])
@login_required
def logo():
    """The unit's logo: shown, replaced by an upload (a refused file writes nothing), removed."""
    unit = _unit()
    form = LogoForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: logos.save_logo(unit, form.file.data), url=url_for(".logo", don_vi=unit.id),
            success="Đã lưu biểu trưng; giấy khen của đơn vị sẽ in biểu trưng này.", default_field="file")):
        return answer
    current = logos.logo_of(unit.id)
    return form_page("commendations/logo.html", "commendations/_logo_form.html", form, unit=unit,
                     units=scope_choices(current_user.unit), logo=current, accept=ACCEPT,
                     src=logos.image_url(current) if current else "",
                     size=logos.display_size(current) if current else None, remove=RemoveLogoForm())


@bp.get("/mau-giay-khen/bieu-trung/anh")
@login_required
def logo_image():
    """The unit's logo as an image, for the pages (a PDF embeds it as a data: URI instead).

    Anyone who sees the unit may see its logo (it is printed on every certificate). An SVG opened on
    its own is a document: it is served sandboxed, with no script and nothing fetched (it was cleaned
    anyway). Like every page it is not cached (app.core.security); ?v= (the digest) only tells
    replaced logos apart."""
    unit = get_or_404(Unit, request.args.get("don_vi", current_user.unit_id))
    current = logos.logo_of(unit.id)
    if current is None:
        abort(404)
    resp = make_response(current.data)
    resp.headers["Content-Type"] = current.mime
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.post("/mau-giay-khen/bieu-trung/xoa")
@login_required
def logo_remove():
    """Delete the unit's uploaded logo; its certificates print none until another is chosen."""
    unit = _unit()
    back = url_for(".logo", don_vi=unit.id)
    answer = confirm_action(RemoveLogoForm(), lambda: logos.remove_logo(unit), back=back,
                            success="Đã xóa biểu trưng.")
    return answer if answer is not None else go(back)  # a form that did not validate: back to the page
