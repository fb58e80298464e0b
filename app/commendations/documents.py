"""The printed documents: the decision itself, its attached list and the certificates.

The decision is one or two pages and renders in the request. The attached list and the
certificates of a whole decision go through the print engine's background jobs (app.printing.jobs):
the fingerprint is the frozen content, so an unchanged document is never rendered twice.
"""
from dataclasses import dataclass

from app.extensions import db
from app.printing.services import render_pdf
from app.vn.dates import short_date

from . import certificates as certs
from . import prize_goods
from .models import TITLE_KINDS, Decision
from .queries import people_counts, people_text, totals
from .services import honorees

LIST_KIND = "commendation.list"
CERTS_KIND = "commendation.certificates"
DECISION_TEMPLATE = "pdf/commendations/decision.html"
LIST_TEMPLATE = "pdf/commendations/list.html"
CERTIFICATES_TEMPLATE = "pdf/commendations/certificates.html"  # bench/bench_print.py measures it by this path
NO_PLACE = "(Chưa ghi)"  # the group of lines without a class, school or village, as the attached list heads it


def decision_context(d: Decision) -> dict:
    count, total = totals(d)
    counts = people_counts(d)
    # "183 cá nhân", "2 tập thể và 40 cá nhân": counted from the lines' kinds, never "183 tập thể, cá nhân".
    return {"d": d, "count": count, "total": total, "goods": prize_goods.totals_text(d),
            "people": people_text(counts), "people_kinds": people_text(counts, numbers=False),
            "parent": d.unit.parent.name if d.unit.parent else "",
            "recipients": d.recipient_lines or ["Như Điều 3;", "Lưu: VT."]}


def decision_pdf(d: Decision) -> bytes:
    """The Quyết định (A4 portrait, Nghị định 30/2020 layout)."""
    return render_pdf(DECISION_TEMPLATE, **decision_context(d))


def list_rows(d: Decision) -> list[dict]:
    """The attached list's rows in print order (Vietnamese name order, grouped by place if asked).
    A line without prize money leaves its amount cell empty rather than printing 0."""
    return [{"full_name": h.full_name, "birth": h.birth_text, "place": h.place or "",
             "achievement": h.achievement, "amount": h.amount or None, "goods": h.goods, "note": h.note,
             "group": h.place or NO_PLACE} for h in honorees(d)]


def _place_label(rows, d: Decision) -> str:
    kinds = {h.kind for h in d.honorees}
    if kinds and kinds <= set(TITLE_KINDS) | {"donor", "volunteer"}:
        return "Thôn, ấp / địa chỉ"
    return "Lớp, trường / thôn"


def list_columns(place_label: str, with_money: bool = True, with_goods: bool = False, rows=()):
    """The attached list's columns, each as wide as its content needs (percent of an A4 portrait
    table, about 170 mm at 11 pt): a full date "15/12/2012" needs 12.5 % on one line (the cell does
    not wrap, see pdf/commendations/list.html), a birth year 7 %, no birth at all no column; STT takes what its
    numbers need; the text columns share the rest. Without prize money the amount column (and total)
    is left out, with prizes in goods a "Hiện vật" column is added."""
    from app.printing.services import Column  # heavy: loaded when first needed

    births = [r["birth"] for r in rows if r.get("birth")]
    birth = 12.5 if any(len(b) > 4 for b in births) else 7 if births else 0
    stt = 6 if len(rows) < 10_000 else 8  # four digits fit in 6 %, five need 8 %
    note = 9 if any(r.get("note") for r in rows) else 7
    fixed = stt + birth + note + (12 if with_money else 0) + (12 if with_goods else 0)
    share = (100 - fixed) / 61  # name : place : achievement = 21 : 19 : 21
    return [Column("stt", "STT", stt, "stt"), Column("full_name", "Họ và tên", round(21 * share, 1)),
            *([Column("birth", "Ngày sinh", birth, align="c")] if birth else []),
            Column("place", place_label, round(19 * share, 1)),
            Column("achievement", "Thành tích", round(21 * share, 1)),
            *([Column("amount", "Số tiền (đồng)", 12, "money")] if with_money else []),
            *([Column("goods", "Hiện vật", 12)] if with_goods else []), Column("note", "Ghi chú", note)]


def list_pdf(d: Decision, progress=None) -> bytes:
    """The attached list through the print engine's chunked renderer (header row on every page)."""
    from app.printing.services import render_list_pdf  # heavy: loaded when first needed

    rows = list_rows(d)
    with_money = any(r["amount"] for r in rows)
    goods = prize_goods.totals_text(d)  # prizes in goods added up per item: the total row and a line below
    return render_list_pdf(LIST_TEMPLATE, rows,
                           columns=list_columns(_place_label(rows, d), with_money, bool(goods), rows),
                           group_key="group" if d.group_by == "place" else None,
                           amount_key="amount" if with_money else None,
                           total_label=f"Tổng cộng: {people_text(people_counts(d))}", progress=progress,
                           total_cells={"goods": goods} if goods else None, goods_total=goods,
                           **decision_context(d), date_text=short_date(d.decision_date))


def certificates_pdf(items: list[dict], progress=None) -> bytes:
    """One A4 landscape page per certificate."""
    from app.printing.services import render_many  # heavy: loaded when first needed

    return render_many(CERTIFICATES_TEMPLATE, items, progress=progress)


@dataclass(frozen=True)
class Group:
    """The certificates of one class, school or village (the attached list's group by place): printed as a
    PDF of their own, to hand to that class's teacher. `key` is the heading the list prints."""

    key: str
    ids: tuple[int, ...]  # honoree ids in list order

    @property
    def count(self) -> int:
        return len(self.ids)


def certificate_groups(d: Decision) -> list[Group]:
    """The decision's lines by place, as the attached list groups them: the places in Vietnamese order
    (the lines without a place first, headed "(Chưa ghi)"), the names in list order within each."""
    from app.vn.names import word_key  # heavy: loaded when first needed

    groups: dict[str, list[int]] = {}
    for h in honorees(d):
        groups.setdefault(h.place or NO_PLACE, []).append(h.id)
    order = sorted(groups, key=lambda key: word_key("" if key == NO_PLACE else key))
    return [Group(key, tuple(groups[key])) for key in order]


def certificate_group(d: Decision, key: str) -> Group | None:
    """The group headed `key` (as posted by the print page), None when the list has no such group now."""
    return next((g for g in certificate_groups(d) if g.key == key), None)


def group_filename(d: Decision, group: Group) -> str:
    """"Giấy khen 15-QĐ-HKH - Lớp 5A.pdf": the number and the place, no slash (a file name's separator)."""
    return f"Giấy khen {d.number} - {group.key}.pdf".replace("/", "-").replace("\\", "-")


def _decision(params) -> Decision:
    from app.printing.jobs import PrintError  # heavy: loaded when first needed

    d = db.session.get(Decision, int(params["decision_id"]))
    if d is None:
        raise PrintError("Không tìm thấy quyết định.")
    return d


def snapshot(params) -> dict:
    """What determines the list and the certificates: header, rows and certificate settings."""
    d = _decision(params)
    return {"decision": d.audit_dict(), "bases": d.bases, "recipients": d.recipients,
            "rows": [[h.id, h.full_name, h.birth_text, h.place, h.achievement, h.amount, h.note,
                      h.register_number] + ([h.goods] if h.goods else []) for h in honorees(d)],
            "setting": certs.setting_for(d.unit).audit_dict()}


def _build_list(params, progress) -> bytes:
    return list_pdf(_decision(params), progress)


def _build_certificates(params, progress) -> bytes:
    return certificates_pdf(certs.certificates_of(_decision(params), params.get("honoree_ids")), progress)


def register() -> None:
    """Declare the background documents to the print engine (from init_app)."""
    from app.printing.jobs import register_document  # heavy: loaded when first needed

    # Version 2: columns sized to their content, counts of tập thể / cá nhân (issue 14 E).
    # Version 3: the verification mark beside the signature (issue 18 A): no earlier file is reused.
    register_document(LIST_KIND, _build_list, fingerprint=snapshot, version="3")
    # Version 2: certificates worded per kind (issue 14 E), the school year once, a balanced page.
    # Version 3: designs, A5, the verification mark (issue 18 A, C): no earlier file is reused.
    register_document(CERTS_KIND, _build_certificates, fingerprint=snapshot, version="3")
