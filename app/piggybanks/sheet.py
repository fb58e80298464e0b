"""The opening-day sheet (phiếu mổ heo) as a document: in the request while short, else a print job.

A branch has tens of pigs; a commune asked for all its branches at once can have hundreds, which
take WeasyPrint seconds (about 10 ms a row): past the one cut-off (app.printing.offer.print_or_offer)
the page offers the background job, and above JOB_MAX (a province's ten thousand pigs would need
gigabytes for one table) it asks for a smaller unit, listing the units below with their counts.
"""
from sqlalchemy import func, select

from app.core.clock import today
from app.extensions import db
from app.printing.offer import DIRECT_MAX as PRINT_NOW_MAX
from app.units.models import Unit
from app.vn.names import word_key

from . import queries
from .models import ACTIVE, PiggyBank

KIND = "piggybanks.sheet"
DIRECT_MAX = PRINT_NOW_MAX  # rows printed within the request (about 1.5 s): the one cut-off, tests lower it here
JOB_MAX = 1000    # rows one sheet may hold at all


def title(unit: Unit) -> str:
    return f"Phiếu mổ heo đất - {unit.name}"


def render(unit: Unit, pigs, progress=None) -> bytes:
    from app.printing.services import render_pdf  # heavy: loaded when first needed

    pdf = render_pdf("pdf/piggybanks/sheet.html", unit=unit, pigs=pigs, today=today())
    if progress is not None:
        progress(len(pigs), len(pigs))
    return pdf


def children_counts(unit: Unit) -> list[tuple[Unit, int]]:
    """The units right below `unit` with the active pigs in each one's subtree (one grouped query)."""
    children = sorted(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id, Unit.active.is_(True))),
                      key=lambda u: word_key(u.name))  # Vietnamese order, as the unit tree shows them
    per_unit = db.session.execute(select(Unit.path, func.count(PiggyBank.id)).join(PiggyBank.unit)
                                  .where(Unit.path.startswith(unit.path), PiggyBank.status == ACTIVE)
                                  .group_by(Unit.path)).all()
    return [(child, sum(n for path, n in per_unit if path.startswith(child.path))) for child in children]


def _build(params: dict, progress) -> bytes:
    unit = db.session.get(Unit, params["unit_id"])
    return render(unit, queries.due_pigs(unit), progress)


def _fingerprint(params: dict) -> dict:
    unit = db.session.get(Unit, params["unit_id"])
    return {"today": today().isoformat(), "unit": [unit.name, unit.parent.name if unit.parent else ""],
            "pigs": [[p.code, p.holder_name] for p in queries.due_pigs(unit)]}


def register() -> None:
    """Declare the background document to the print engine (from init_app)."""
    from app.printing.jobs import register_document  # heavy: loaded when first needed

    register_document(KIND, _build, fingerprint=_fingerprint, version="1")
