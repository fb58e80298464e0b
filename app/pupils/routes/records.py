"""Correct or remove a result, achievement or sponsorship on a pupil's page."""
from flask import abort, request, url_for
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.forms import ConfirmForm
from app.core.views import confirm_action, render

from .. import records
from . import bp
from .pupils import sub_form

KIND_SLUGS = 'any("ket-qua", "thanh-tich", "do-dau")'


def _load(kind_slug: str, item_id: int):
    kind = records.KINDS.get(kind_slug) or abort(404)
    item = get_or_404(kind.model, item_id, "pupil.write")
    return kind, item


@bp.route(f"/<{KIND_SLUGS}:kind>/<int:item_id>/sua", methods=["GET", "POST"])
@login_required
def edit_record(kind, item_id):
    """Correct a mistyped result, achievement or sponsorship."""
    spec, item = _load(kind, item_id)
    form = spec.make_form(item, request.form if request.method == "POST" else None)
    return sub_form(item.pupil, form, lambda: records.correct(spec, item, spec.values(item, form)),
                    f"Sửa {spec.label}")


@bp.route(f"/<{KIND_SLUGS}:kind>/<int:item_id>/xoa", methods=["GET", "POST"])
@login_required
def delete_record(kind, item_id):
    """Remove one entered by mistake; GET is the confirmation page for browsers without JavaScript."""
    spec, item = _load(kind, item_id)
    pupil = item.pupil
    form = ConfirmForm()
    return confirm_action(form, lambda: records.remove(spec, item), back=url_for("pupils.detail", pupil_id=pupil.id),
                          success=f"Đã xoá {spec.label}.") \
        or render("pupils/delete_record.html", pupil=pupil, item=item, kind=kind, label=spec.label, form=form)
