"""Adding many honorees at once: approved nominations, a campaign's donors, passed assessments,
a pasted list, the checked rows of an imported .xlsx list.

Each source skips what the decision already holds (by its link id, or by name and achievement
for a pasted list), so pressing the button twice adds nothing the second time.
"""
from sqlalchemy import func, select

from app.audit.services import record
from app.core import idempotency, imports
from app.core.authz import scope_unit_ids
from app.donations.models import Donation, Donor
from app.extensions import db
from app.pupils.models import Pupil
from app.scholarships.models import APPROVED, Nomination
from app.units.models import Unit
from app.vn.money import format_vnd
from app.vn.names import join_name, same_name
from app.vn.text import clean, fold

from .importing import data_of
from .models import TITLE_KINDS, Assessment, Decision, Honoree
from .services import CommendationError, HonoreeData, add_honoree, check_draft, preview_honoree, pupil_place

MAX_PASTE_LINES = 5000


def _existing(d: Decision, column) -> set:
    return set(db.session.scalars(select(column).where(Honoree.decision_id == d.id, column.is_not(None))))


def _finish(d: Decision, source: str, added: int) -> int:
    record("bulk_add", d, after={"source": source, "added": added})
    return added


def from_nominations(d: Decision, rnd) -> int:
    """Approved nominations of a scholarship round (pupil, class/school, achievement or award)."""
    check_draft(d)
    if not rnd.unit.path.startswith(d.unit.path):
        raise CommendationError("Đợt học bổng không thuộc đơn vị ra quyết định.", "round_id")
    have = _existing(d, Honoree.nomination_id)
    noms = db.session.scalars(select(Nomination).where(Nomination.round_id == rnd.id,
                                                       Nomination.status == APPROVED)).all()
    added = 0
    for n in noms:
        if n.id in have:
            continue
        p = n.pupil
        place = pupil_place(p)
        achievement = n.achievement or f"{n.category.name} năm học {rnd.school_year}"
        add_honoree(d, HonoreeData(name=p.full_name, kind="pupil", birth_text=p.birth_text, place=place,
                                   achievement=achievement[:300], amount=d.default_amount, pupil_id=p.id,
                                   nomination_id=n.id).with_goods_of(d), audit=False)
        added += 1
    return _finish(d, f"nominations:{rnd.id}", added)


def from_campaign(d: Decision, campaign, min_amount: int) -> int:
    """Donors whose gifts to `campaign` (not voided) add up to at least `min_amount`."""
    check_draft(d)
    if not campaign.unit.path.startswith(d.unit.path):
        raise CommendationError("Đợt vận động không thuộc đơn vị ra quyết định.", "campaign_id")
    have = _existing(d, Honoree.donor_id)
    total = func.sum(Donation.amount)
    # Aggregate on ids only, then load the donors: PostgreSQL refuses selecting the donor's joined
    # unit columns next to a GROUP BY donor.id.
    sums = (select(Donation.donor_id.label("donor_id"), total.label("total"))
            .where(Donation.campaign_id == campaign.id, Donation.voided_at.is_(None))
            .group_by(Donation.donor_id).having(total >= min_amount).subquery())
    rows = db.session.execute(select(Donor, sums.c.total).join(sums, sums.c.donor_id == Donor.id)
                              .where(Donor.kind != "anonymous").order_by(Donor.name_key)).all()
    added = 0
    for donor, amount in rows:
        if donor.id in have:
            continue
        add_honoree(d, HonoreeData(
            name=donor.name, kind="donor", collective=donor.kind != "person", place=donor.address[:200],
            achievement=f"Đã ủng hộ {format_vnd(int(amount))} cho {campaign.name}"[:300],
            amount=d.default_amount, donor_id=donor.id).with_goods_of(d), audit=False)
        added += 1
    return _finish(d, f"campaign:{campaign.id}", added)


def from_assessments(d: Decision, root: Unit, year: int, kind: str = "") -> int:
    """Passed assessments of `year` in `root` and below."""
    check_draft(d)
    have = _existing(d, Honoree.assessment_id)
    stmt = (select(Assessment)
            .where(Assessment.unit_id.in_(scope_unit_ids(root)), Assessment.year == year,
                   Assessment.passed.is_(True))
            .order_by(Assessment.name_key))
    if kind:
        stmt = stmt.where(Assessment.kind == kind)
    added = 0
    for a in db.session.scalars(stmt):
        if a.id in have:
            continue
        add_honoree(d, HonoreeData(
            name=a.full_name, kind=a.kind, place=a.village,
            achievement=f"Đạt danh hiệu “{TITLE_KINDS.get(a.kind, a.kind)}” năm {a.year} ({a.total} điểm)",
            amount=d.default_amount, assessment_id=a.id).with_goods_of(d), audit=False)
        added += 1
    return _finish(d, f"assessments:{year}:{kind}", added)


def _listed(d: Decision) -> dict[str, list[tuple]]:
    """{folded name: [(full name, birth, achievement key)]} of the decision's lines."""
    have: dict[str, list[tuple]] = {}
    for h in db.session.execute(select(Honoree.search_key, Honoree.ho, Honoree.dem, Honoree.ten, Honoree.birth_text,
                                       Honoree.achievement_key).where(Honoree.decision_id == d.id)):
        have.setdefault(h.search_key, []).append((join_name(h.ho, h.dem, h.ten), h.birth_text, h.achievement_key))
    return have


def _holds(have: dict, name: str, birth: str, achievement_key: str) -> bool:
    """Whether the list already has this line: the same name (with its diacritics: same_name) and achievement."""
    return any(key == achievement_key and same_name(name, other, birth, other_birth)
               for other, other_birth, key in have.get(fold(name), ()))


def from_text(d: Decision, text: str, kind: str = "pupil", collective: bool = False) -> int:
    """One name per line, optionally a tab and the achievement (pasted from a spreadsheet)."""
    check_draft(d)
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_PASTE_LINES:
        raise CommendationError(f"Mỗi lần dán tối đa {MAX_PASTE_LINES} dòng.", "text")
    have = _listed(d)
    added = 0
    for n, line in enumerate(lines, 1):
        name, _, achievement = line.partition("\t")
        name, achievement = clean(name), clean(achievement.replace("\t", " "))
        if _holds(have, name, "", fold(achievement)):
            continue
        try:
            add_honoree(d, HonoreeData(name=name, kind=kind, collective=collective, achievement=achievement,
                                       amount=d.default_amount).with_goods_of(d), audit=False)
        except CommendationError as err:
            raise CommendationError(f"Dòng {n}: {err}", "text") from err
        have.setdefault(fold(name), []).append((name, "", fold(achievement)))
        added += 1
    return _finish(d, "text", added)


def from_rows(d: Decision, rows: list[dict], source: str = "xlsx") -> int:
    """The rows of a confirmed import (importing.parse_rows) without errors, each added once.

    The list may have changed since the preview, so a line it now holds (same name and
    achievement) is skipped again here; links were checked when previewed and are checked
    again by add_honoree (the records are loaded in two queries first, not one per line).
    """
    check_draft(d)
    todo = [r for r in rows if not r["errors"] and not r["skip"]]
    for model, attr in ((Pupil, "pupil_id"), (Donor, "donor_id")):
        ids = sorted({r[attr] for r in todo if r[attr]})
        for i in range(0, len(ids), 500):
            db.session.scalars(select(model).where(model.id.in_(ids[i:i + 500]))).all()
    have = _listed(d)
    added = 0
    for r in todo:
        data = data_of(r).with_goods_of(d)  # the decision's default prize in goods
        try:
            line = preview_honoree(data)
            if _holds(have, line.full_name, line.birth_text, line.achievement_key):
                continue  # the list got this line since the preview
            add_honoree(d, data, audit=False)
        except CommendationError as err:
            raise CommendationError(f"Dòng {r['line']}: {err}", "file") from err
        have.setdefault(line.search_key, []).append((line.full_name, line.birth_text, line.achievement_key))
        added += 1
    return _finish(d, source, added)


def from_staged(d: Decision, rows: list[dict], progress_key: str, idem_key: str, url: str):
    """A confirmed import's rows without errors, written in batches of their own transactions
    (app.core.imports.write_in_batches: each batch skips the lines the list already holds, so a
    confirmation stopped half-way and confirmed again adds only the rest). The last batch remembers
    `idem_key` with `url` (a repeated submit lands there). Returns the Written outcome; a refusal
    rolls back its own batch only, the batches before it stay written."""
    todo = [r for r in rows if not r["errors"] and not r["skip"]]
    return imports.write_in_batches(
        progress_key, len(todo),
        lambda a, b, state: state.update(added=state.get("added", 0) + from_rows(d, todo[a:b], "xlsx")),
        lambda state, progress: idempotency.remember(idem_key, d, url))
