"""Picking a pupil or donor from the register for a line added by hand.

Without JavaScript this is a page of its own: a GET search form, then one "Chọn" button per
match that opens the honoree form prefilled (?hoc_sinh= / ?nha_hao_tam=). With htmx the same
search runs inside the honoree form page and only the list of matches is swapped in.
"""
from flask import abort, request
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.views import render

from . import pickers
from .models import Decision, Honoree
from .routes import bp, frozen_page


@bp.get("/quyet-dinh/<int:decision_id>/chon-nguoi")
@login_required
def pick(decision_id):
    """Search pupils (?loai=hoc-sinh) or donors (?loai=nha-hao-tam) by name, without diacritics."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    if (back := frozen_page(d)) is not None:
        return back
    honoree = None
    if request.args.get("nguoi"):  # picking for a line being corrected, not a new one
        honoree = get_or_404(Honoree, request.args["nguoi"], "commendation.write")
        if honoree.decision_id != d.id:
            abort(404)
    kind = request.args.get("loai", "hoc-sinh")
    kind = kind if kind in pickers.KINDS else "hoc-sinh"
    q = request.args.get("q", "").strip()[:100]
    return render("commendations/pick.html", partial="commendations/_pick_results.html", d=d, honoree=honoree,
                  kind=kind, q=q, kinds=pickers.KINDS, matches=pickers.search(d, kind, q), limit=pickers.LIMIT)
