"""Honorees from an .xlsx list: the template, then each row checked for the preview.

Nothing here writes: parse_rows() turns the sheet into plain dicts (kept server-side by
app.core.imports until the user confirms) with each row's errors (the row is left out),
warnings (it is added, but look at it) and notes (what the import will do: skip a line the
list already has, link a pupil or donor found in the register). bulk.from_rows() writes them.
"""
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select

from app.core.authz import scope_unit_ids
from app.core.imports import cell_text, data_rows
from app.core.xlsx import read_upload
from app.donations.models import Donor
from app.extensions import db
from app.pupils.models import Pupil
from app.vn.dates import parse_date
from app.vn.money import MoneyError, parse_money
from app.vn.names import join_name, same_name
from app.vn.text import fold

from .models import HONOREE_KINDS, Decision, Honoree
from .queries import Person, earlier_commendations, near_duplicates
from .services import CommendationError, HonoreeData, _check_links, check_draft, preview_honoree, pupil_place

HEADERS = ["STT", "Họ và tên", "Đối tượng", "Tập thể", "Ngày sinh", "Lớp, trường hoặc thôn", "Thành tích",
           "Số tiền", "Ghi chú"]
FIELDS = ["stt", "name", "kind", "collective", "birth", "place", "achievement", "amount", "note"]
# What people retype or paste from older lists, read as the template's columns.
ALIASES = {"Họ tên": "name", "Tên": "name", "Họ và tên (hoặc tên tập thể)": "name", "Tên tập thể": "name",
           "Ngày sinh hoặc năm sinh": "birth", "Năm sinh": "birth", "Lớp, trường": "place", "Lớp/Trường": "place",
           "Thôn, ấp": "place", "Lớp, trường / thôn": "place", "Địa chỉ": "place", "Tiền thưởng": "amount",
           "Số tiền thưởng": "amount", "Số tiền (đồng)": "amount", "Loại": "kind",
           # the columns of the decision's own export (routes/honorees.py), so a list exported can come back
           "Lớp, trường hoặc thôn, tổ": "place", "Số tiền thưởng (đồng)": "amount"}
COLUMNS = dict(zip(HEADERS, FIELDS)) | ALIASES
MAX_ROWS = 5000
KIND_WORDS = {fold(label): key for key, label in HONOREE_KINDS.items()} | {k: k for k in HONOREE_KINDS} | {
    "hoc sinh": "pupil", "sinh vien": "pupil", "hs": "pupil", "giao vien": "teacher", "gv": "teacher",
    "nha hao tam": "donor", "tinh nguyen vien": "volunteer", "hoi vien": "volunteer", "can bo": "volunteer",
    "gia dinh": "family", "dong ho": "clan", "cong dong": "community", "thon": "community", "don vi": "unit",
    "cong dan": "citizen"}
YES = {"x", "co", "1", "tap the", "v"}
NO = {"", "khong", "0", "ca nhan"}


def template_rows() -> list[list]:
    return [[1, "Tôn Nữ Thị Minh Khuê", HONOREE_KINDS["pupil"], "", date(2013, 2, 5),
             "Lớp 7A1, Trường THCS Lai Vung", "Giải Nhất học sinh giỏi cấp xã môn Toán", 300000, ""],
            [2, "Dòng họ Nguyễn ấp Tân Lộc", HONOREE_KINDS["clan"], "x", "", "Ấp Tân Lộc",
             "Đạt danh hiệu “Dòng họ học tập” năm 2026", "", ""]]


def _birth(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = cell_text(value)
    if text.isdigit() and len(text) == 4:
        return text
    return parse_date(text).strftime("%d/%m/%Y")


def _amount(value, default: int) -> int:
    if value is None or cell_text(value) == "":
        return default
    if isinstance(value, float):
        if not value.is_integer():
            raise MoneyError("Số tiền phải là số nguyên đồng.")
        value = int(value)
    return parse_money(value if isinstance(value, int) else cell_text(value))


def _row(n: int, get, d: Decision, default_kind: str) -> dict:
    """One sheet row checked on its own (no database): values, errors, a transient honoree."""
    row = {"line": n, "name": cell_text(get("name")), "kind": default_kind, "collective": False, "birth": "",
           "place": cell_text(get("place")), "achievement": cell_text(get("achievement")), "amount": 0,
           "note": cell_text(get("note")), "pupil_id": None, "donor_id": None,
           "errors": [], "warnings": [], "notes": [], "skip": False}
    errors = row["errors"]
    kind_text = cell_text(get("kind"))
    if kind_text:
        row["kind"] = KIND_WORDS.get(fold(kind_text))
        if row["kind"] is None:
            errors.append(f"Đối tượng “{kind_text}” không có trong danh mục (ví dụ: Học sinh, sinh viên; Giáo viên; "
                          f"Nhà hảo tâm; Gia đình học tập).")
    flag = fold(cell_text(get("collective")))
    if flag in YES:
        row["collective"] = True
    elif flag not in NO:
        errors.append("Cột “Tập thể”: ghi “x” nếu là tập thể, để trống nếu là cá nhân.")
    try:
        row["birth"] = _birth(get("birth"))
    except ValueError as err:
        errors.append(str(err))
    try:
        row["amount"] = _amount(get("amount"), d.default_amount)
    except MoneyError as err:
        errors.append(f"Cột “Số tiền”: {err}")
    if len(row["place"]) > 200:
        errors.append("Lớp, trường hoặc thôn dài quá 200 ký tự.")
    if len(row["note"]) > 200:
        errors.append("Ghi chú dài quá 200 ký tự.")
    if not row["name"]:
        errors.append("Thiếu họ và tên.")
    row["h"] = None
    if not errors:
        try:
            row["h"] = preview_honoree(data_of(row))
        except CommendationError as err:
            errors.append(str(err))
    return row


def data_of(row: dict) -> HonoreeData:
    """The honoree a checked row makes (for its preview, and when the import is confirmed)."""
    return HonoreeData(name=row["name"], kind=row["kind"], collective=row["collective"], birth_text=row["birth"],
                       place=row["place"], achievement=row["achievement"], amount=row["amount"], note=row["note"],
                       pupil_id=row["pupil_id"], donor_id=row["donor_id"])


def preview(d: Decision, upload, default_kind: str, max_bytes: int | None) -> list[dict]:
    """The uploaded sheet's rows checked for the preview; nothing written. A refusal (XlsxError,
    CommendationError) for an issued decision or a file that is not the template."""
    check_draft(d)
    # As wide as every header the import knows: moved columns and exported lists still read.
    sheet = read_upload(upload, max_rows=MAX_ROWS, max_bytes=max_bytes, columns=len(COLUMNS))
    return parse_rows(d, sheet, default_kind)


def parse_rows(d: Decision, rows: list[list], default_kind: str = "pupil") -> list[dict]:
    """The sheet (header row first) as checked rows for the preview; CommendationError for a wrong file."""
    _, lines = data_rows(rows, COLUMNS, CommendationError, MAX_ROWS)
    out = [_row(n, get, d, default_kind) for n, get in lines]
    good = [r for r in out if r["h"] is not None]
    _link_records(d, good)
    _duplicates(d, good)
    for r in out:
        del r["h"]  # the transient honoree only served the checks; the preview keeps plain data
    return out


def _scoped(model, keys: set[str], d: Decision) -> dict[str, list]:
    found = defaultdict(list)
    keys = sorted(keys)
    for i in range(0, len(keys), 500):
        stmt = select(model).where(model.search_key.in_(keys[i:i + 500]), model.merged_into_id.is_(None),
                                   model.unit_id.in_(scope_unit_ids(d.unit)))
        for rec in db.session.scalars(stmt):
            found[rec.search_key].append(rec)
    return found


def _link_records(d: Decision, rows: list[dict]) -> None:
    """Link a pupil by name and date of birth, a donor by a name that only one donor has."""
    pupils = _scoped(Pupil, {r["h"].search_key for r in rows if r["kind"] == "pupil"}, d)
    donors = _scoped(Donor, {r["h"].search_key for r in rows if r["kind"] in ("donor", "volunteer")}, d)
    for r in rows:
        key = r["h"].search_key  # the folded key found the candidates; same_name() decides
        same = [p for p in pupils.get(key, []) if same_name(r["name"], p.full_name)]
        if r["kind"] == "pupil" and same:
            birth = r["birth"]
            matches = [p for p in same if birth and (p.birth_text == birth or (
                len(birth) == 4 and str(p.birth_year or (p.birth_date.year if p.birth_date else "")) == birth)
                or (len(p.birth_text) == 4 and birth.endswith(p.birth_text)))]
            if len(matches) == 1:
                p = matches[0]
                r["pupil_id"] = p.id
                r["place"] = r["place"] or pupil_place(p)
                r["notes"].append(f"Liên kết hồ sơ học sinh: {p.full_name}, {p.birth_text} ({pupil_place(p)}).")
            elif not birth:
                r["notes"].append(f"Sổ học sinh có {len(same)} người cùng tên: ghi ngày sinh để liên kết hồ sơ.")
            elif not matches:
                r["notes"].append("Sổ học sinh có người cùng tên nhưng khác ngày sinh: chưa liên kết.")
        elif r["kind"] in ("donor", "volunteer") and any(same_name(r["name"], o.name) for o in donors.get(key, [])):
            same = [o for o in donors[key] if same_name(r["name"], o.name)]
            if len(same) == 1:
                donor = same[0]
                r["donor_id"] = donor.id
                r["place"] = r["place"] or donor.address[:200]
                r["notes"].append(f"Liên kết nhà hảo tâm trong sổ: {donor.name}"
                                  + (f", {donor.address}." if donor.address else "."))
            else:
                r["notes"].append(f"Sổ có {len(same)} nhà hảo tâm cùng tên: chưa liên kết.")


def _duplicates(d: Decision, rows: list[dict]) -> None:
    """Skip lines the list (or the file, earlier) already has; warn on same or near names and earlier honours."""
    existing = list(db.session.execute(select(Honoree.id, Honoree.ho, Honoree.dem, Honoree.ten, Honoree.collective,
                                              Honoree.search_key, Honoree.achievement_key, Honoree.birth_text)
                                       .where(Honoree.decision_id == d.id)))
    # Candidates by the folded name; "the same name" (with diacritics, and the birth year) is same_name()'s.
    listed = defaultdict(list)  # search_key -> [(name, birth, achievement key)] already on the list
    for e in existing:
        listed[e.search_key].append((join_name(e.ho, e.dem, e.ten), e.birth_text, e.achievement_key))
    in_file = defaultdict(list)  # search_key -> [(name, birth, achievement key, line)] read before
    for r in rows:
        h = r["h"]
        namesakes = [x for x in listed[h.search_key] if same_name(r["name"], x[0], r["birth"], x[1])]
        earlier = [x for x in in_file[h.search_key] if same_name(r["name"], x[0], r["birth"], x[1])]
        twin = next((x for x in earlier if x[2] == h.achievement_key), None)
        if any(x[2] == h.achievement_key for x in namesakes):
            r["skip"] = True
            r["notes"].append("Đã có trong danh sách (cùng tên, cùng thành tích): bỏ qua.")
        elif twin is not None:
            r["skip"] = True
            r["notes"].append(f"Trùng với dòng {twin[3]} của tệp: bỏ qua.")
        elif namesakes:
            r["warnings"].append("Trùng tên với người đã có trong danh sách.")
        elif earlier:
            r["warnings"].append(f"Trùng tên với dòng {earlier[0][3]} của tệp.")
        in_file[h.search_key].append((r["name"], r["birth"], h.achievement_key, r["line"]))
    fresh = [r for r in rows if not r["skip"]]
    names = {-e.id: " ".join(p for p in (e.ho, e.dem, e.ten) if p) for e in existing}
    names |= {r["line"]: r["name"] for r in fresh}
    people = [(-e.id, e.ho, e.dem, e.ten) for e in existing if not e.collective]
    people += [(r["line"], r["h"].ho, r["h"].dem, r["h"].ten) for r in fresh if not r["h"].collective]
    by_line = {r["line"]: r for r in fresh}
    for ref, others in near_duplicates(people).items():
        if ref in by_line:
            shown = sorted({(f"{names[o]} (dòng {o})" if o > 0 else names[o]) for o in others})
            by_line[ref]["warnings"].append("Tên gần giống: " + ", ".join(shown[:3]) + ".")
    earlier = earlier_commendations(d, [Person(r["line"], r["h"].search_key, r["h"].achievement_key, r["pupil_id"],
                                               r["donor_id"], name=r["name"], birth=r["birth"]) for r in fresh])
    for line, messages in earlier.items():
        by_line[line]["warnings"].extend(messages)


def summary(rows: list[dict]) -> dict:
    """Counts for the preview heading and the confirm button."""
    ready = [r for r in rows if not r["errors"] and not r["skip"]]
    return {"total": len(rows), "ready": len(ready), "errors": sum(1 for r in rows if r["errors"]),
            "skipped": sum(1 for r in rows if r["skip"] and not r["errors"]),
            "warned": sum(1 for r in ready if r["warnings"]), "amount": sum(r["amount"] for r in ready)}


def recheck(d: Decision, rows: list[dict]) -> bool:
    """The service's checks again at the confirmation (staged rows may have gone stale), all of them
    before the first row is written: the line itself and its link to a pupil or donor still in the
    decision's unit (add_honoree checks it again). A refused row gets its message and is left out.
    True if any row was refused."""
    refused = False
    for r in rows:
        if not r["errors"] and not r["skip"]:
            try:
                data = data_of(r).with_goods_of(d)
                preview_honoree(data)
                _check_links(d, Honoree(), data)
            except CommendationError as err:
                r["errors"].append(str(err))
                refused = True
    return refused
