"""Import donations from the .xlsx template: parse, preview with each row's problem, then confirm.

The parsed rows wait server-side in `donation_import` (keyed by a random token and the
user) until confirmed; nothing touches the ledger before that.
"""
import json
import secrets
from types import SimpleNamespace
from datetime import date, datetime

from sqlalchemy import select

from app.audit.services import record
from app.campaigns.models import Campaign
from app.campaigns.services import campaigns_in_scope
from app.core import books, idempotency, imports
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.core.xlsx import XlsxError, read_upload
from app.extensions import db
from app.vn.dates import parse_date
from app.vn.money import MoneyError, parse_money
from app.vn.phones import sheet_phone
from app.vn.names import same_name
from app.vn.text import clean, fold

from app.goods import services as goods_services

from . import services
from .donor_services import DonorError, create_donors_bulk
from .donor_services import _clean_fields as _clean_donor  # create_donor's checks, writing nothing
from .donors import DONOR_KINDS, Donor
from .models import METHODS, DonationImport

# "Số lượng" and "Đơn vị tính" (gifts in kind, for the goods register) come last, so files made
# from the older template still read the same.
HEADERS = ["Ngày", "Họ tên người đóng góp", "Loại", "Địa chỉ", "Điện thoại", "Số tiền", "Hình thức", "Hiện vật",
           "Đợt vận động", "Người thu", "Ghi chú", "Số lượng", "Đơn vị tính"]
MAX_ROWS = 5000
_KINDS = {fold(label): key for key, label in DONOR_KINDS.items()} | {fold(k): k for k in DONOR_KINDS}
_METHODS = {fold(label): key for key, label in METHODS.items()} | {fold(k): k for k in METHODS} | {
    "tm": "cash", "ck": "transfer", "hien vat (quy ra tien)": "in_kind"}


def template_rows():
    return [[date(2026, 9, 5), "Nguyễn Văn An", "Cá nhân", "Ấp Tân Lộc", "0912345678", 500000, "Tiền mặt", "",
             "Tháng Khuyến học 2026", "Lê Thị Ánh Tuyết", "", "", ""]]


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean(str(v))


def parse_rows(rows: list[list], user_unit) -> list[dict]:
    """Each data row as a dict with its values and a list of Vietnamese problems."""
    campaigns = {}
    for c in db.session.scalars(campaigns_in_scope(user_unit)):
        campaigns.setdefault(c.search_key, c)
    out = []
    for n, raw in enumerate(rows[1:], start=2):
        raw = list(raw) + [None] * (len(HEADERS) - len(raw))
        if all(v is None or _text(v) == "" for v in raw[:len(HEADERS)]):
            continue
        (d_raw, name, kind, address, phone, amount_raw, method, item, camp, collector, note, qty_raw,
         item_unit) = raw[:len(HEADERS)]
        row = {"line": n, "name": _text(name), "address": _text(address), "phone": "",
               "item": _text(item), "collector": _text(collector), "note": _text(note), "campaign": _text(camp),
               "item_unit": _text(item_unit), "quantity": "", "errors": [], "warnings": []}
        errs = row["errors"]
        row["phone"], phone_warning = sheet_phone(phone)  # Excel's numbers lose their leading 0
        if phone_warning:
            row["warnings"].append(phone_warning)
        try:
            day = d_raw.date() if isinstance(d_raw, datetime) else parse_date(_text(d_raw) if not isinstance(
                d_raw, date) else d_raw)
            row["date"] = books.check_entry_date(day, "date").isoformat()
        except ValueError as err:
            row["date"] = _text(d_raw)
            errs.append(err.message if isinstance(err, books.BooksError) else "Ngày không hợp lệ.")
        row["kind"] = _KINDS.get(fold(_text(kind)) or "ca nhan")
        if row["kind"] is None:
            errs.append(f"Loại “{_text(kind)}” không hợp lệ.")
        if not row["name"] and row["kind"] != "anonymous":
            errs.append("Thiếu họ tên.")
        try:
            amount = amount_raw if isinstance(amount_raw, int) else parse_money(_text(amount_raw))
            if isinstance(amount_raw, float):
                if not amount_raw.is_integer():
                    raise MoneyError("Số tiền phải là số nguyên đồng.")
                amount = int(amount_raw)
            if amount <= 0:
                raise MoneyError("Số tiền phải lớn hơn 0.")
            row["amount"] = books.check_amount(amount, "amount")  # at most MAX_AMOUNT
        except (MoneyError, ValueError) as err:
            row["amount"] = None
            row["amount_text"] = _text(amount_raw)
            errs.append(f"Số tiền không hợp lệ: {err}")
        row["method"] = _METHODS.get(fold(_text(method)) or "tien mat")
        if row["method"] is None:
            errs.append(f"Hình thức “{_text(method)}” không hợp lệ.")
        elif row["method"] == "in_kind":
            _check_goods(row, qty_raw)
        campaign = campaigns.get(fold(row["campaign"]))
        if campaign is None:
            errs.append(f"Không tìm thấy đợt vận động “{row['campaign']}”." if row["campaign"]
                        else "Thiếu đợt vận động.")
        elif not campaign.is_open:
            errs.append(f"Đợt vận động “{campaign.name}” đã kết thúc.")
        row["campaign_id"] = campaign.id if campaign else None
        if not errs:
            _service_check(row, campaign)
        out.append(row)
    return out


# What a DonationError's field is called in the template (its message may not name it: "Quá 500 ký tự.").
_LABELS = {"item": "Hiện vật", "item_unit": "Đơn vị tính", "collector_name": "Người thu", "note": "Ghi chú",
           "quantity": "Số lượng", "donation_date": "Ngày", "amount": "Số tiền", "method": "Hình thức"}


def _service_check(row: dict, campaign) -> None:
    """The checks confirm() meets (the donor's and record_donation's), writing nothing, so a row the
    service would refuse is flagged in the preview instead of refusing the whole confirmation."""
    try:
        _clean_donor(row["name"], row["kind"], row["address"], row["phone"], "")
        services._donation_fields(  # the gift's rules, shared by record_donation and the bulk entry
            campaign, SimpleNamespace(id=None), row["amount"], donation_date=date.fromisoformat(row["date"]),
            method=row["method"], item=row["item"], quantity=row.get("quantity") or None,
            item_unit=row.get("item_unit", ""), collector_name=row["collector"], note=row["note"])
    except DonorError as err:
        row["errors"].append(str(err))
    except Refusal as err:  # the gift's rules: DonationError, or the campaign's or goods register's own
        label = _LABELS.get(err.field)
        row["errors"].append(f"{label}: {err}" if label and label not in str(err) else str(err))


def _check_goods(row: dict, qty_raw) -> None:
    """A gift in kind needs item, quantity and unit of measure (the goods register counts them)."""
    errs = row["errors"]
    if not row["item"]:
        errs.append("Thiếu tên hiện vật.")
    if not row["item_unit"]:
        errs.append("Thiếu đơn vị tính của hiện vật.")
    if len(row["item_unit"]) > 30:
        errs.append("Đơn vị tính quá 30 ký tự.")
    if _text(qty_raw) == "":
        errs.append("Thiếu số lượng hiện vật.")
        return
    try:
        quantity = services.parse_quantity(str(qty_raw) if isinstance(qty_raw, (int, float)) else _text(qty_raw))
        row["quantity"] = str(goods_services.quantity_of(quantity))
    except (ValueError, goods_services.GoodsError) as err:
        row["quantity"] = _text(qty_raw)
        errs.append(f"Số lượng không hợp lệ: {err}")


def upload(user, unit, file, max_bytes: int | None) -> DonationImport:
    """Read an uploaded filled template, check each row (writing nothing) and keep the rows for the
    preview. XlsxError when the file is unreadable or not the template."""
    rows = read_upload(file, MAX_ROWS, max_bytes=max_bytes, columns=len(HEADERS))
    if not rows or [str(h or "").strip() for h in rows[0][:2]] != HEADERS[:2]:
        raise XlsxError("Tệp không đúng mẫu: dòng đầu phải là tiêu đề của tệp mẫu (Ngày, Họ tên người đóng góp, ...).")
    return store(user, unit, file.filename, parse_rows(rows, unit))


def store(user, unit, filename: str, rows: list[dict]) -> DonationImport:
    imp = DonationImport(token=secrets.token_hex(16), user_id=user.id, unit_id=unit.id,
                         filename=clean(filename or "")[:200], rows_json=json.dumps(rows, ensure_ascii=False))
    db.session.add(imp)
    db.session.flush()
    return imp


def load(token: str) -> DonationImport | None:
    """The stored upload; the view checks its unit scope and that only the uploader confirms it."""
    if not isinstance(token, str) or len(token) != 32:
        return None
    return db.session.scalar(select(DonationImport).where(DonationImport.token == token))


def rows_of(imp: DonationImport) -> list[dict]:
    return json.loads(imp.rows_json)


STAGE = "dg"  # the progress of a confirmed upload: import_progress key "dg-<token>" (app.core.imports)


def rows_to_write(imp: DonationImport) -> list[dict]:
    """The rows the confirmation writes, in file order (the progress counts into this list)."""
    return [r for r in rows_of(imp) if not r["errors"]]


def written(imp: DonationImport) -> int:
    """How many of rows_to_write(imp) are written (a confirmation stopped half-way shows it)."""
    progress = imports.progress_of(imports.progress_key(STAGE, imp.token))
    return progress.done if progress else 0


def check_rows(rows: list[dict], authorize_campaign) -> dict[int, Campaign]:
    """Every row checked again as it will be written, before anything is: its campaign in the
    user's scope and open, the donor's fields and the gift's rules (the preview may have gone stale).
    Returns {campaign id: campaign}; the refusal of a refused row ("Dòng N: ...")."""
    campaigns: dict[int, Campaign] = {}
    for row in rows:
        cid = row["campaign_id"]
        if cid not in campaigns:
            campaigns[cid] = authorize_campaign(db.session.get(Campaign, cid))
        try:
            _clean_donor(row["name"], row["kind"], row["address"], row["phone"], "")
            services._donation_fields(
                campaigns[cid], SimpleNamespace(id=None), row["amount"], donation_date=date.fromisoformat(row["date"]),
                method=row["method"], item=row["item"], quantity=row.get("quantity") or None,
                item_unit=row.get("item_unit", ""), collector_name=row["collector"], note=row["note"])
        except Refusal as err:
            err.args = (f"Dòng {row['line']}: {err}",)
            raise
    return campaigns


def _write(rows: list[dict], state: dict) -> None:
    """Write `rows` (checked): their donors found or added in bulk, then the gifts of each campaign
    in one bulk call (each still gets its own receipt number, ledger entry and audit entry)."""
    by_campaign: dict[int, list[dict]] = {}
    for row in rows:
        by_campaign.setdefault(row["campaign_id"], []).append(row)
    for cid, group in by_campaign.items():
        campaign = db.session.get(Campaign, cid)
        donors = donors_for(campaign.unit, group)
        services.record_donations_bulk(campaign, [
            dict(donor=donor, amount=row["amount"], donation_date=date.fromisoformat(row["date"]),
                 method=row["method"], item=row["item"], quantity=row.get("quantity") or None,
                 item_unit=row.get("item_unit", ""), collector_name=row["collector"], note=row["note"])
            for row, donor in zip(group, donors)])
    state["donations"] = state.get("donations", 0) + len(rows)


def donors_for(unit, rows: list[dict]) -> list[Donor]:
    """find_or_create_donor for many rows in three statements: the unit's donor with the same name
    (same_name) and the same phone (or, without one, the same address), else one new donor per such
    person of the batch (added in bulk, audited)."""
    wanted = [_clean_donor(r["name"], r["kind"], r["address"], r["phone"], "") for r in rows]
    keys = sorted({f["search_key"] for f in wanted})
    known: dict[str, list[Donor]] = {}
    for i in range(0, len(keys), 500):
        for d in db.session.scalars(select(Donor).where(Donor.unit_id == unit.id, Donor.search_key.in_(keys[i:i + 500]),
                                                        Donor.merged_into_id.is_(None)).order_by(Donor.id)):
            known.setdefault(d.search_key, []).append(d)

    def same(d, f) -> bool:
        contact = d.phone_key == f["phone_key"] if f["phone_key"] else (
            d.phone_key == "" and d.address_key == f["address_key"])
        return d.kind == f["kind"] and contact and same_name(d.name, f["name"])

    found, new = [], []  # new: (fields, row indexes) of each person to add
    new_by_key: dict[str, list] = {}  # search_key -> entries of `new`
    for n, f in enumerate(wanted):
        donor = next((d for d in known.get(f["search_key"], ()) if same(d, f)), None)
        if donor is None:
            twin = next((x for x in new_by_key.get(f["search_key"], ()) if same(SimpleNamespace(**x[0]), f)), None)
            if twin is None:
                new.append((f, [n]))
                new_by_key.setdefault(f["search_key"], []).append(new[-1])
            else:
                twin[1].append(n)
        found.append(donor)
    if new:
        ids = create_donors_bulk(unit, [dict(name=f["name"], kind=f["kind"], address=f["address"], phone=f["phone"])
                                        for f, _ in new])
        made = {d.id: d for d in db.session.scalars(select(Donor).where(Donor.id.in_(ids)))}
        for (_, where), donor_id in zip(new, ids):
            for n in where:
                found[n] = made[donor_id]
    return found


def confirm(imp: DonationImport, authorize_campaign, key: str = "", url: str = "") -> imports.Written:
    """Write the rows without problems (one donation and receipt or goods entry each), in batches.

    Every row is checked first, on a snapshot, before the first write; then each batch commits
    with the import's progress, so another unit's save never waits long for the write lock, and a
    confirmation that stopped half-way (a crash, a refused batch) continues from the next unwritten
    row when confirmed again. The last batch marks the upload confirmed, records the form's key
    and writes the import's audit entry."""
    if imp.confirmed_at is not None:
        raise services.DonationError("Tệp này đã được nhập trước đó.")
    rows = rows_to_write(imp)
    progress_key = imports.progress_key(STAGE, imp.token)
    with imports.checking():
        start = written(imp)
        campaigns = check_rows(rows[start:], authorize_campaign)

    def write(begin: int, end: int, state: dict) -> None:
        _write(rows[begin:end], state)

    def finish(state: dict, progress) -> None:
        imp.confirmed_at = utcnow()
        record("import", imp, after={"filename": imp.filename, "donations": progress.done,
                                     "batches": progress.batches})
        if key:
            idempotency.remember(key, imp, url)

    return imports.write_in_batches(progress_key, len(rows), write, finish)
