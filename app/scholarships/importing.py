"""Nominations from a school's .xlsx list: parse, match or create pupils, preview, then write.

The pupil columns are read and matched by app.pupils.importing (the same reading as the
pupil list's own import); this module adds the round's columns: category, achievement,
reason. Nothing is written by parse_rows(); the preview shows each row's problem and the
category's amount. confirm_import() checks every row, then writes the rows without problems in
batches with one audit entry, in bulk (the same rules as services.nominate(): open round,
category of this round, pupil in scope).
"""
from dataclasses import dataclass

from sqlalchemy import insert, select

from app.audit.services import record
from app.core import idempotency, imports
from app.core.clock import today, utcnow
from app.core.imports import cell_text
from app.extensions import db
from app.goods.models import format_quantity
from app.pupils import importing as pupil_import
from app.pupils.models import Pupil
from app.pupils.queries import sponsored_pupil_ids
from app.units.models import Unit
from app.vn.text import clean, fold

from .models import Nomination, ScholarshipRound
from .services import RoundError, check_open

HEADERS = pupil_import.HEADERS + ["Loại học bổng", "Thành tích", "Lý do đề cử"]
FIELDS = pupil_import.FIELDS + ["category", "achievement", "reason"]
COLUMNS = pupil_import.COLUMNS | dict(zip(HEADERS[-3:], FIELDS[-3:]))
MAX_ROWS = pupil_import.MAX_ROWS


def template_rows() -> list[list]:
    return [pupil_import.template_rows()[0] + ["Học bổng vượt khó", "", "Nhà khó khăn, học tốt"]]


@dataclass
class Row(pupil_import.Row):
    category: object = None
    achievement: str = ""
    reason: str = ""


def parse_rows(rnd: ScholarshipRound, rows: list[list]) -> list[Row]:
    """Read the sheet (header row first) into preview rows, matching pupils already in the register."""
    _, data_rows = pupil_import.data_rows(rows, COLUMNS, RoundError)
    categories = {fold(c.name): c for c in rnd.categories}
    only = rnd.categories[0] if len(rnd.categories) == 1 else None
    reader = pupil_import.PupilReader(db.session.get(Unit, rnd.unit_id), rnd.school_year)
    nominated = set(db.session.scalars(select(Nomination.pupil_id).where(Nomination.round_id == rnd.id)))
    out = []
    for line, get in data_rows:
        row = reader.read(line, get, Row)
        cat_name = cell_text(get("category"))
        row.category = categories.get(fold(cat_name)) if cat_name else only
        if row.category is None:
            row.problems.append(f"Loại học bổng “{cat_name}” không có trong đợt này." if cat_name
                                else "Thiếu loại học bổng.")
        row.achievement, row.reason = cell_text(get("achievement"))[:300], cell_text(get("reason"))[:500]
        if row.ok:
            reader.match(row)
            if row.pupil_id is not None:
                if row.pupil_id in nominated:
                    row.notes.append("Học sinh đã có đề cử trong đợt này.")
                nominated.add(row.pupil_id)
        out.append(row)
    return out


def summary(rows: list[Row]) -> dict:
    """Counts, money and goods for the preview: each valid row is nominated at its category's award."""
    good = [r for r in rows if r.ok]
    goods: dict[tuple, object] = {}
    for r in good:
        c = r.category
        if c.goods_quantity is not None:
            goods[c.goods_item, c.goods_unit] = goods.get((c.goods_item, c.goods_unit), 0) + c.goods_quantity
    schools = pupil_import.new_schools(rows)
    return {"total": len(rows), "good": len(good), "errors": len(rows) - len(good), "schools": schools,
            "schools_text": pupil_import.schools_text(schools),
            "amount": sum(r.category.amount for r in good), "warned": sum(1 for r in good if r.warnings),
            "goods": ", ".join(f"{format_quantity(q)} {unit} {item}".replace("  ", " ")
                               for (item, unit), q in sorted(goods.items()))}


def dump_rows(rows: list[Row]) -> list[dict]:
    """The checked rows as JSON-able dicts, kept with the upload until the user confirms."""
    return [{"line": r.line, "bad": True, "problems": r.problems, "name": r.data.full_name} if not r.ok else
            {**pupil_import.dump_row(r), "category_id": r.category.id, "achievement": r.achievement,
             "reason": r.reason} for r in rows]


def load_rows(rnd: ScholarshipRound, dumped: list[dict]) -> list[Row]:
    """Rows back from dump_rows(); schools and categories are looked up again (and must still exist)."""
    categories = {c.id: c for c in rnd.categories}
    schools = pupil_import.schools_of(dumped)
    rows = []
    for d in dumped:
        row = pupil_import.load_row(Row(line=d["line"], data=pupil_import.services.PupilData()), d, schools,
                                    RoundError)
        if d.get("bad"):
            rows.append(row)
            continue
        row.category = categories.get(d["category_id"])
        if row.category is None:
            raise RoundError("Danh sách loại học bổng hoặc trường đã thay đổi, vui lòng tải tệp lên lại.")
        row.achievement, row.reason = d["achievement"], d["reason"]
        rows.append(row)
    return rows


def check_confirm(rnd: ScholarshipRound, rows: list[Row]) -> list[Row]:
    """The rows to write, every one checked before the first is written: the round still open, at
    least one good row, and each pupil matched in the register still in the round's unit (a new pupil
    is added there). RoundError otherwise."""
    check_open(rnd)
    good = [r for r in rows if r.ok]
    if not good:
        raise RoundError("Không có dòng hợp lệ nào để nhập.")
    _check_pupils(rnd, {r.pupil_id for r in good if r.pupil_id is not None})
    for r in good:
        if r.category.round_id != rnd.id:
            raise RoundError("Loại học bổng không thuộc đợt này.")
    return good


def check_staged(rnd: ScholarshipRound, dumped: list[dict]) -> tuple[list[Row], bool]:
    """The staged rows loaded again and every one checked, on a snapshot, before the first write:
    (rows, True when a row the preview passed is now refused, with its message)."""
    with imports.checking():
        rows = load_rows(rnd, dumped)
        return rows, pupil_import.recheck(rows)


def confirm_import(rnd: ScholarshipRound, rows: list[Row], progress_key: str, proposer: str = "",
                   school_unit: Unit | None = None, key: str = "", url: str = "") -> tuple:
    """Write the rows without problems (checked first by check_confirm): new schools (in `school_unit`,
    the importing user's unit when it is the round's or below it), new pupils, then one nomination
    per row, in batches (app.core.imports.write_in_batches); confirming the same upload again goes
    on from the next unwritten row. A row naming an earlier line of the file ("same pupil") finds
    that line's new pupil in the progress state. Returns (Written, counts)."""
    with imports.checking():  # on a snapshot, before the first write
        good = check_confirm(rnd, rows)
    proposer = clean(proposer or "")[:200]
    if school_unit is None or not school_unit.path.startswith(rnd.unit.path):
        school_unit = rnd.unit  # a school above the round would not be found by its next import
    later = {str(r.same_as) for r in good if r.same_as}  # lines whose new pupil a later row names

    def write(start: int, stop: int, state: dict) -> None:
        batch = good[start:stop]
        lines = state.setdefault("lines", {})
        made = pupil_import.create_new(rnd.unit, batch, f"round {rnd.id}", school_unit)
        lines.update({str(line): pid for line, pid in made.items() if str(line) in later})
        noms = bulk_nominate(rnd, [(r.pupil_id or made.get(r.line) or lines[str(r.same_as or r.line)], r.category,
                                    r.achievement, r.reason) for r in batch], proposer)
        state["nominations"] = state.get("nominations", 0) + len(noms)
        state["new_pupils"] = state.get("new_pupils", 0) + len(made)

    def finish(state: dict, progress) -> None:
        result = {"nominations": state["nominations"], "new_pupils": state["new_pupils"],
                  "skipped": len(rows) - len(good)}
        record("import", rnd, after={**result, "proposer": proposer, "batches": progress.batches})
        if key:
            idempotency.remember(key, rnd, url)

    done = imports.write_in_batches(progress_key, len(good), write, finish)
    return done, {"nominations": done.state.get("nominations", 0), "new_pupils": done.state.get("new_pupils", 0),
                  "skipped": len(rows) - len(good)}


def _check_pupils(rnd: ScholarshipRound, pupil_ids: set) -> None:
    ok_ids = set()
    ids = list(pupil_ids)
    for i in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        ok_ids |= set(db.session.scalars(
            select(Pupil.id).join(Pupil.unit).where(Pupil.id.in_(ids[i:i + 900]), Pupil.merged_into_id.is_(None),
                                                    Unit.path.startswith(rnd.unit.path))))
    if ok_ids != pupil_ids:
        raise RoundError("Có học sinh không thuộc đơn vị của đợt học bổng.")


def bulk_nominate(rnd: ScholarshipRound, items, proposer: str = "") -> list[dict]:
    """Many nominations at once: items are (pupil id, category, achievement, reason).

    The same rules as services.nominate(): the round is open, each category belongs to it,
    and every pupil is an unmerged pupil of the round's unit or below.
    """
    check_open(rnd)
    _check_pupils(rnd, {pid for pid, *_ in items})


    now, noms = utcnow(), []
    for pid, category, achievement, reason in items:
        if category.round_id != rnd.id:
            raise RoundError("Loại học bổng không thuộc đợt này.")
        noms.append(dict(round_id=rnd.id, unit_id=rnd.unit_id, pupil_id=pid, category_id=category.id,
                         proposer=proposer, reason=clean(reason or "")[:500], achievement=clean(achievement or "")[:300],
                         achievement_key=fold(achievement)[:300], amount=category.amount, status="pending",
                         decision_reason="", created_at=now))
    if noms:
        db.session.execute(insert(Nomination), noms)
    return noms


def include_sponsored(rnd: ScholarshipRound, category) -> int:
    """Nominate every pupil supported by a sponsorship (đỡ đầu) running on the ceremony day
    who has no nomination in the round yet. Returns how many were added."""
    if category.round_id != rnd.id:
        raise RoundError("Loại học bổng không thuộc đợt này.", "category_id")
    supported = sponsored_pupil_ids(rnd.unit, rnd.ceremony_date or today())
    already = set(db.session.scalars(select(Nomination.pupil_id).where(Nomination.round_id == rnd.id)))
    items = [(pid, category, "", "Được đỡ đầu: " + ", ".join(names))
             for pid, names in sorted(supported.items()) if pid not in already]
    bulk_nominate(rnd, items, "Danh sách đỡ đầu")
    record("import", rnd, after={"sponsored_nominations": len(items), "category_id": category.id})
    return len(items)
