"""Read-only questions about decisions: warnings on a list, totals, the scoped list of decisions.

Warnings never block: they tell the person drafting the list where to look (the law forbids
rewarding one achievement twice; near-identical names are usually one person typed twice).
"""
from collections import defaultdict
from itertools import combinations
from typing import NamedTuple

from sqlalchemy import func, select

from app.core.authz import scope_unit_ids
from app.extensions import db
from app.reports import cache
from app.units.models import Unit
from app.vn.names import join_name, same_name
from app.vn.text import fold

from .models import DRAFT, Decision, Honoree

_CHUNK = 500  # ids per IN (...): far under SQLite's bound-parameter limit


class Person(NamedTuple):
    """What the duplicate checks need of a line, whether already saved (ref = honoree id) or not (ref = file line)."""

    ref: int
    search_key: str
    achievement_key: str
    pupil_id: int | None = None
    donor_id: int | None = None
    assessment_id: int | None = None
    nomination_id: int | None = None
    name: str = ""  # the full name with its diacritics: "the same name" is decided on it (same_name)
    birth: str = ""

    @classmethod
    def of(cls, h: Honoree) -> "Person":
        return cls(h.id, h.search_key, h.achievement_key, h.pupil_id, h.donor_id, h.assessment_id, h.nomination_id,
                   h.full_name, h.birth_text)


_DROPPED = {"van", "thi"}  # folded middle words a list often leaves out


def near_duplicates(people) -> dict:
    """{ref: {refs}} of names that differ but are probably one person.

    `people` are (ref, họ, đệm, tên) of persons (collectives are compared whole elsewhere).
    Two names are near when, without diacritics, the tên is the same and either the họ is the
    same and one middle name is the other with "Văn" or "Thị" left out ("Nguyễn An" / "Nguyễn
    Văn An": often dropped in lists), or họ + đệm differ by one typing slip ("Trần Văm Bình").
    The tên must match so that An / Anh or Thu / Thủy, which are different names, are never
    flagged; another middle word is another name (Đức / Thành Đức).
    """
    by_ten: dict[str, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
    for ref, ho, dem, ten in people:
        by_ten[fold(ten)][(fold(ho), fold(dem))].append(ref)
    out: dict = defaultdict(set)
    for prefixes in by_ten.values():
        if len(prefixes) < 2:
            continue
        pairs = set()
        by_ho = defaultdict(list)
        for key in prefixes:
            by_ho[key[0]].append(key)
        for keys in by_ho.values():
            for a, b in combinations(keys, 2):
                wa, wb = set(a[1].split()), set(b[1].split())
                if (wa <= wb and wb - wa <= _DROPPED) or (wb <= wa and wa - wb <= _DROPPED):
                    pairs.add((a, b))
        # One deletion from each side meets for one letter changed, added, dropped or swapped.
        variants = defaultdict(set)
        for key in prefixes:
            text = f"{key[0]} {key[1]}"
            variants[text].add(key)
            for i in range(len(text)):
                variants[text[:i] + text[i + 1:]].add(key)
        for keys in variants.values():
            if 1 < len(keys) <= 20:  # a crowded bucket is a common short prefix, not a slip
                pairs.update(combinations(sorted(keys), 2))
        for a, b in pairs:
            for ra in prefixes[a]:
                out[ra].update(prefixes[b])
            for rb in prefixes[b]:
                out[rb].update(prefixes[a])
    return dict(out)


def _chunks(values):
    values = sorted(v for v in values if v)
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def earlier_commendations(d: Decision, people: list[Person]) -> dict[int, list[str]]:
    """{ref: [warning]} for people already on another decision of `d`'s unit (or a unit below).

    Same year and same achievement: the same name (unless both lines are linked to different
    pupil or donor records) or the same linked record. A linked pupil or donor honoured this
    year for another achievement gets a softer note; a passed assessment or an approved
    nomination already honoured is flagged whatever the year.
    """
    if not people:
        return {}
    cols = (Honoree.search_key, Honoree.achievement_key, Honoree.achievement, Honoree.pupil_id, Honoree.donor_id,
            Honoree.assessment_id, Honoree.nomination_id, Decision.number, Decision.status, Decision.year,
            Honoree.ho, Honoree.dem, Honoree.ten, Honoree.birth_text)
    base = select(*cols).join(Honoree.decision).where(Decision.unit_id.in_(scope_unit_ids(d.unit)),
                                                      Decision.id != d.id)
    found = {}
    this_year = base.where(Decision.year == d.year)
    for column, values in ((Honoree.search_key, {p.search_key for p in people}),
                           (Honoree.pupil_id, {p.pupil_id for p in people}),
                           (Honoree.donor_id, {p.donor_id for p in people})):
        for chunk in _chunks(values):
            for row in db.session.execute(this_year.where(column.in_(chunk))):
                found[tuple(row)] = row
    for column, values in ((Honoree.assessment_id, {p.assessment_id for p in people}),
                           (Honoree.nomination_id, {p.nomination_id for p in people})):
        for chunk in _chunks(values):
            for row in db.session.execute(base.where(column.in_(chunk))):
                found[tuple(row)] = row
    index = defaultdict(list)
    for row in found.values():
        index["k", row.search_key].append(row)
        for kind, value in (("p", row.pupil_id), ("d", row.donor_id), ("a", row.assessment_id),
                            ("n", row.nomination_id)):
            if value:
                index[kind, value].append(row)
    out: dict[int, list[str]] = {}
    for p in people:
        messages: list[str] = []

        def note(text):
            if text not in messages:
                messages.append(text)

        for row in index.get(("a", p.assessment_id), []) if p.assessment_id else []:
            note(f"Danh hiệu này đã được khen ở Quyết định số {_label(row)}.")
        for row in index.get(("n", p.nomination_id), []) if p.nomination_id else []:
            note(f"Đề cử học bổng này đã được khen ở Quyết định số {_label(row)}.")
        same_record = []
        for kind, value in (("p", p.pupil_id), ("d", p.donor_id)):
            if value:
                same_record += [r for r in index.get((kind, value), []) if r.year == d.year]
        # The folded key found the candidates; the same name with its diacritics decides.
        namesakes = [r for r in index.get(("k", p.search_key), []) if r.year == d.year
                     and (not p.name or same_name(p.name, join_name(r.ho, r.dem, r.ten), p.birth, r.birth_text))
                     and not (p.pupil_id and r.pupil_id and p.pupil_id != r.pupil_id)
                     and not (p.donor_id and r.donor_id and p.donor_id != r.donor_id)]
        for row in same_record + namesakes:
            if row.achievement_key == p.achievement_key:
                note(f"Đã được khen cùng thành tích trong năm {d.year} (Quyết định số {_label(row)}).")
        for row in same_record:
            if row.achievement_key != p.achievement_key:
                note(f"Đã được khen trong năm {d.year} (Quyết định số {_label(row)}: “{row.achievement}”): "
                     f"kiểm tra để không khen hai lần một thành tích.")
        if messages:
            out[p.ref] = messages
    return out


def _label(row) -> str:
    return f"{row.number}, dự thảo" if row.status == DRAFT else row.number


def warnings_for(d: Decision, rows: list[Honoree]) -> dict[int, list[str]]:
    """{honoree id: [warning]}: already commended this year, same or near-identical names in the list."""
    out: dict[int, list[str]] = {}
    by_name: dict[str, list[Honoree]] = {}
    for h in rows:
        by_name.setdefault(h.search_key, []).append(h)  # narrows; same_name() decides
    for group in by_name.values():
        for h in group:
            same = [o for o in group if o.id != h.id and same_name(h.full_name, o.full_name, h.birth_text,
                                                                    o.birth_text)]
            if same:
                out.setdefault(h.id, []).append(f"Trùng tên với {len(same)} người khác trong danh sách.")
    names = {h.id: h.full_name for h in rows}
    for ref, others in near_duplicates((h.id, h.ho, h.dem, h.ten) for h in rows if not h.collective).items():
        shown = sorted({names[o] for o in others})
        out.setdefault(ref, []).append("Tên gần giống: " + ", ".join(shown[:3])
                                       + (f" và {len(shown) - 3} người khác" if len(shown) > 3 else "") + ".")
    for ref, messages in earlier_commendations(d, [Person.of(h) for h in rows]).items():
        out.setdefault(ref, []).extend(messages)
    return out


def list_warnings(d: Decision, rows: list[Honoree]) -> dict[int, list[str]]:
    """warnings_for(d, rows) for the decision's whole list (`rows`: services.honorees(d)), kept in the
    reports cache: the near-name comparisons and the look-ups in the unit's other decisions were a
    third of a decision page. They read only honorees and decisions of d's unit and the units below
    it, each of which bumps d.unit's data version when written (both are counted), so the entry
    keyed on that version is never stale."""
    return cache.cached("commendations.warnings", d.unit_id, (d.id,), lambda: warnings_for(d, rows))


def totals(d: Decision) -> tuple[int, int]:
    """(number of honorees, total prize money)."""
    count, total = db.session.execute(select(func.count(Honoree.id), func.coalesce(func.sum(Honoree.amount), 0))
                                      .where(Honoree.decision_id == d.id)).one()
    return int(count), int(total)


# What a decision calls the people on its list, in the order its Điều 1 names them.
PEOPLE_WORDS = (("collective", "tập thể"), ("family", "gia đình"), ("person", "cá nhân"))


def people_counts(d: Decision) -> dict[str, int]:
    """{"collective": n, "family": n, "person": n} of the list, from each line's real kind: a clan,
    community, unit or group of donors is a tập thể, a learning family a gia đình, anyone else a cá nhân."""
    rows = db.session.execute(select(Honoree.collective, Honoree.kind, func.count())
                              .where(Honoree.decision_id == d.id).group_by(Honoree.collective, Honoree.kind))
    out = {key: 0 for key, _ in PEOPLE_WORDS}
    for collective, kind, n in rows:
        out["collective" if collective else "family" if kind == "family" else "person"] += n
    return out


def _join(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " và " + parts[-1] if len(parts) > 1 else "".join(parts)


def people_text(counts: dict[str, int], *, numbers: bool = True) -> str:
    """"183 cá nhân", "2 tập thể và 40 cá nhân" (numbers=False: "tập thể và cá nhân"); an empty list
    reads "tập thể, cá nhân" as the drafts always did."""
    parts = [f"{counts[key]} {word}" if numbers else word for key, word in PEOPLE_WORDS if counts.get(key)]
    return _join(parts) or ("0 tập thể, cá nhân" if numbers else "tập thể, cá nhân")


def unpaid_count(d: Decision) -> int:
    """Lines of a decision paid per person whose prize (money or goods) is not paid now (a reversal):
    what "Chi lại tiền thưởng" on many lines can act on."""
    if d.payment_mode == "total":
        return 0
    return int(db.session.scalar(select(func.count(Honoree.id)).where(
        Honoree.decision_id == d.id, Honoree.payment_entry_id.is_(None), Honoree.goods_entry_id.is_(None),
        (Honoree.amount > 0) | Honoree.goods_quantity.is_not(None))) or 0)


def amendments_of(d: Decision) -> list[Decision]:
    """Decisions that amend `d`, oldest first (shown on the amended decision)."""
    return list(db.session.scalars(select(Decision).where(Decision.amends_id == d.id).order_by(Decision.id)))


def decisions_in_scope(root: Unit, q: str = "", status: str = ""):
    stmt = select(Decision).where(Decision.unit_id.in_(scope_unit_ids(root)))
    if status:
        stmt = stmt.where(Decision.status == status)
    if q.strip():
        stmt = stmt.where(func.lower(Decision.number).contains(q.strip().lower(), autoescape=True))
    return stmt.order_by(Decision.decision_date.desc(), Decision.id.desc())
