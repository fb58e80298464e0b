"""Correct or remove a result, achievement or sponsorship on a pupil's page."""
from flask import abort, flash, request, url_for
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.forms import ConfirmForm
from app.core.views import go, render
from app.extensions import db

from .. import records
from . import bp
from .pupils import _sub_form

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
    return _sub_form(item.pupil, form, lambda: records.correct(spec, item, form), kind,
                     f"Sửa {spec.label}")


@bp.route(f"/<{KIND_SLUGS}:kind>/<int:item_id>/xoa", methods=["GET", "POST"])
@login_required
def delete_record(kind, item_id):
    """Remove one entered by mistake; GET is the confirmation page for browsers without JavaScript."""
    spec, item = _load(kind, item_id)
    pupil = item.pupil
    form = ConfirmForm()
    if form.validate_on_submit():
        records.remove(spec, item)
        db.session.commit()
        flash(f"Đã xoá {spec.label}.", "success")
        return go(url_for("pupils.detail", pupil_id=pupil.id))
    return render("pupils/delete_record.html", pupil=pupil, item=item, kind=kind, label=spec.label, form=form)
