"""The disclosure report frozen at publishing time, as JSON (Publication.snapshot).

The public page and the public PDF read this, never the live books: a gift, a payment or a
donor's name entered after an admin published stays off the public page until the admin
publishes again (a new snapshot). dump() keeps exactly what the pages print (names shown,
amounts, purposes, decisions, balances) and nothing the public must not see: donors' kept names
are already "Nhà hảo tâm ẩn danh" in the report, and no address, phone or pupil is in it.
load() gives back a report.Report whose unit and funds are small frozen stand-ins carrying the
names as they were, so the same templates print it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from . import report
from .goods import GoodsLine
from .lines import DonorLine, IncomeGroup
from .spending import SpendingLine

VERSION = 1


@dataclass(frozen=True)
class FrozenUnit:
    """A unit's name (and its parent's) as published; templates read .id, .name, .parent.name."""

    id: int | None
    name: str
    parent: FrozenUnit | None = None


@dataclass(frozen=True)
class FrozenFund:
    id: int | None
    name: str


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _undate(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def dump(rep: report.Report) -> dict:
    """The report as plain JSON data (stable key order, no objects)."""
    parent = rep.unit.parent
    data = {
        "version": VERSION,
        "year": rep.year,
        "unit": {"id": rep.unit.id, "name": rep.unit.name, "parent": parent.name if parent else None},
        "funds": [{"id": f.fund.id, "name": f.fund.name, "opening": f.opening, "income": f.income,
                   "spending": f.spending, "closing": f.closing} for f in rep.funds],
        "income": [{"title": g.title, "note": g.note, "campaign_id": g.campaign_id,
                    "lines": [{"name": ln.name, "amount": ln.amount, "gifts": ln.gifts, "in_kind": ln.in_kind,
                               "anonymous": ln.anonymous, "kind": ln.kind} for ln in g.lines]}
                   for g in rep.income],
        "spending": [{"purpose": s.purpose, "basis": s.basis, "count": s.count, "amount": s.amount,
                      "kind": s.kind, "first_date": _day(s.first_date)} for s in rep.spending],
        "adjustments": [{"entry_date": _day(a.entry_date), "text": a.text, "amount": a.amount}
                        for a in rep.adjustments],
    }
    if rep.has_goods:
        data["goods"] = _dump_goods(rep)
    return data


def _dump_goods(rep: report.Report) -> dict:
    """Goods in kind (issue 13), under a key of their own that only a report with goods has: a
    snapshot taken before goods existed, or of a year without any, stays exactly as it was (same
    digest, and not "changed since published" for that reason alone)."""
    return {"opening": rep.goods_opening, "closing": rep.goods_closing, "adjustment": rep.goods_adjustment,
            "moved_in_kind": rep.moved_in_kind,
            "income": [_dump_group(g) for g in rep.goods_income],
            "given": [{"purpose": s.purpose, "basis": s.basis, "count": s.count, "amount": s.amount,
                       "items": s.items, "kind": s.kind, "first_date": _day(s.first_date)}
                      for s in rep.goods_given]}


def _dump_group(g) -> dict:
    return {"title": g.title, "note": g.note, "campaign_id": g.campaign_id,
            "lines": [{"name": ln.name, "amount": ln.amount, "gifts": ln.gifts, "in_kind": ln.in_kind,
                       "anonymous": ln.anonymous, "kind": ln.kind} for ln in g.lines]}


def _load_group(g) -> IncomeGroup:
    return IncomeGroup(g["title"], g["note"], [
        DonorLine(ln["name"], ln["amount"], ln["gifts"], ln["in_kind"], ln["anonymous"], kind=ln["kind"])
        for ln in g["lines"]], campaign_id=g["campaign_id"])


def _load_goods(rep: report.Report, data: dict | None) -> None:
    """The goods of a snapshot; none in one taken before goods existed (its pages show no goods)."""
    if not data:
        return
    rep.goods_opening, rep.goods_closing = data.get("opening", 0), data.get("closing", 0)
    rep.goods_adjustment, rep.moved_in_kind = data.get("adjustment", 0), data.get("moved_in_kind", 0)
    rep.goods_income = [_load_group(g) for g in data.get("income", [])]
    rep.goods_given = [GoodsLine(s["purpose"], s["basis"], s["count"], s["amount"], s.get("items", ""),
                                 s.get("kind", "issue"), _undate(s.get("first_date"))) for s in data.get("given", [])]


def load(data: dict) -> report.Report:
    """The report a snapshot holds, printable by the same templates as a live one."""
    u = data["unit"]
    unit = FrozenUnit(u["id"], u["name"], FrozenUnit(None, u["parent"]) if u.get("parent") else None)
    funds = [report.FundLine(FrozenFund(f["id"], f["name"]), f["opening"], f["income"], f["spending"], f["closing"])
             for f in data["funds"]]
    income = [_load_group(g) for g in data["income"]]
    spending = [SpendingLine(s["purpose"], s["basis"], s["count"], s["amount"], s["kind"], _undate(s["first_date"]))
                for s in data["spending"]]
    adjustments = [report.Adjustment(_undate(a["entry_date"]), a["text"], a["amount"]) for a in data["adjustments"]]
    rep = report.Report(unit, data["year"], funds, income, spending, adjustments)
    _load_goods(rep, data.get("goods"))
    return rep


def digest(data: dict | None) -> str:
    """A short fingerprint of a snapshot, for the audit log and the public PDF's cache name."""
    if data is None:
        return ""
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
