"""Every source of a ledger or goods entry that the code can write has one owner in app.books.owners,
and voiding an entry through the books keeps that owner in step (issue 13 B).

The sources are read from the code itself: the models' SOURCE_LABELS and every `source=` literal
passed to a posting function anywhere under app/ (found with the ast module), so a new kind of entry
fails here until it has an owner and a case in tests/books/owner_cases.py.
"""
import ast
import pathlib

import pytest
from sqlalchemy import select

import app as app_package
from app.books import owners
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds
from app.funds.models import SOURCE_LABELS, LedgerEntry
from tests.books import owner_cases

APP = pathlib.Path(app_package.__file__).parent
LEDGER_CALLS = {"post_income", "post_payment", "post_incomes_bulk"}
GOODS_CALLS = {"receive", "give_out", "hand_out"}
PRIVATE_POST = {"funds": owners.LEDGER, "goods": owners.GOODS}  # `_post(...)` inside these packages


def _literals(call: ast.Call) -> set[str]:
    """`source="x"` keywords of the call, and {"source": "x"} dicts anywhere in its arguments."""
    out = {k.value.value for k in call.keywords
           if k.arg == "source" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}
    for arg in call.args:
        for node in ast.walk(arg):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if (isinstance(key, ast.Constant) and key.value == "source" and isinstance(value, ast.Constant)
                            and isinstance(value.value, str)):
                        out.add(value.value)
    return out


def _defaults(fn: ast.FunctionDef) -> set[str]:
    args = fn.args.args[len(fn.args.args) - len(fn.args.defaults):] if fn.args.defaults else []
    pairs = list(zip(args, fn.args.defaults)) + list(zip(fn.args.kwonlyargs, fn.args.kw_defaults))
    return {d.value for a, d in pairs if a.arg == "source" and isinstance(d, ast.Constant) and d.value}


def sources_in_code() -> dict[str, set[str]]:
    """{book: sources} written by the code under app/ (calls and the posting functions' defaults)."""
    found = {owners.LEDGER: set(), owners.GOODS: set()}
    for path in APP.rglob("*.py"):
        package = path.relative_to(APP).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                book = (owners.LEDGER if name in LEDGER_CALLS else owners.GOODS if name in GOODS_CALLS
                        else PRIVATE_POST.get(package) if name == "_post" else None)
                if book:
                    found[book] |= _literals(node)
            elif isinstance(node, ast.FunctionDef) and package in PRIVATE_POST:
                if node.name in LEDGER_CALLS:
                    found[owners.LEDGER] |= _defaults(node)
                elif node.name in GOODS_CALLS:
                    found[owners.GOODS] |= _defaults(node)
    return found


def all_sources(book: str) -> list[str]:
    return sorted(set(owners.sources(book)) | sources_in_code()[book])


def test_the_code_writes_only_sources_its_books_define():
    found = sources_in_code()
    # Positive control: the scan sees the sources we know are written, in both books.
    assert {"donation", "piggy_bank", "scholarship", "prize", "payment", "transfer", "reversal"} <= found["ledger"]
    assert {"donation", "issue", "reversal"} <= found["goods"]
    assert found["ledger"] <= set(SOURCE_LABELS)
    assert found["goods"] <= set(owners.sources(owners.GOODS))


@pytest.mark.parametrize("book", [owners.LEDGER, owners.GOODS])
def test_every_source_has_an_owner_a_void_and_a_case(app, book):
    cases = owner_cases.LEDGER if book == owners.LEDGER else owner_cases.GOODS
    for source in all_sources(book):
        owner = owners.owner_for(source, book)
        assert owner is not None, f"{book} source {source!r} has no owner in app.books.owners"
        assert owner.label and callable(owner.find)
        if source == "reversal":
            assert owner.void_path is None  # a reversal is never voided
        else:
            assert callable(owners._resolve(owner.void_path)) and owner.void_label
        assert source in cases, f"{book} source {source!r} has no case in tests/books/owner_cases.py"


def _standing(entry) -> bool:
    return entry.reversal_of_id is None and not funds.is_reversed(entry)


def _holds(record, entry) -> bool:
    """The owner's own word on `entry`: does it say the entry stands?"""
    name = type(record).__name__
    if name == "Donation":
        return not record.voided and record.entry_id == entry.id
    if name == "PiggyBankOpening":
        return not record.voided and record.ledger_entry_id == entry.id
    if name == "DuesBatch":
        return not record.voided and record.ledger_entry_id == entry.id
    if name == "Nomination":
        return record.paid_entry_id == entry.id
    if name in ("Honoree", "Decision"):
        return record.payment_entry_id == entry.id
    assert record is entry
    return _standing(entry)  # the ledger owns it: its word is the ledger's


def _in_step(fund) -> None:
    """Every entry of the fund has an owner that agrees with the ledger on whether it stands."""
    for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.fund_id == fund.id)):
        if e.reversal_of_id is not None:
            assert owners.owner_of(e) is e.original
            continue
        record = owners.owner_of(e)
        assert record is not None, f"{e} has no owner"
        assert _holds(record, e) == _standing(e), f"{e} standing={_standing(e)} but its owner {record} disagrees"


@pytest.mark.parametrize("source", all_sources(owners.LEDGER) + ["donation_direct", "prize_total"])
def test_voiding_from_the_ledger_page_keeps_the_owner_in_step(world, as_user, source):
    case = owner_cases.LEDGER[source](world)
    entry, fund = case.entry, case.fund
    assert owners.owner_of(entry) is case.record and case.holds()
    _in_step(fund)
    before, count = funds.balance(fund), db.session.scalar(select(db.func.count()).select_from(LedgerEntry))
    client = as_user(world.users["treasurer"])
    url = f"/quy/but-toan/{entry.id}/huy"
    page = client.get(url).get_data(as_text=True)

    if source == "reversal":  # never voided: refused, nothing written
        assert 'name="reason"' not in page and "bút toán hủy" in page
        assert client.post(url, data={"reason": "Thử"}).status_code == 303
        assert db.session.scalar(select(db.func.count()).select_from(LedgerEntry)) == count
        return
    if source == "prize_total":  # the list's one voucher: refused here, voided from its decision
        link = f"/khen-thuong/quyet-dinh/{case.record.id}/hoan-chi-thuong"
        assert 'name="reason"' not in page and link in page
        assert client.post(url, data={"reason": "Thử"}).status_code == 303
        assert not funds.is_reversed(entry)
        resp = client.post(link, data={"reason": "Quyết định bị thu hồi"})
    else:
        assert 'name="reason"' in page
        resp = client.post(url, data={"reason": "Ghi nhầm, hủy để ghi lại"})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]

    db.session.expire_all()
    entry = db.session.get(LedgerEntry, entry.id)
    assert funds.is_reversed(entry)
    assert not case.holds() or owners.owner_of(entry) is entry  # the ledger's own entries hold themselves
    assert owners.owner_of(entry) is not None  # a voided entry still names its owner
    signed = entry.amount if entry.direction == "in" else -entry.amount
    assert funds.balance(db.session.get(type(fund), fund.id)) == before - signed
    _in_step(fund)


@pytest.mark.parametrize("source", all_sources(owners.GOODS))
def test_voiding_a_goods_entry_through_its_owner_keeps_the_owner_and_the_stock_in_step(world, source):
    from app.goods import services as goods
    from app.goods.models import GoodsEntry

    case = owner_cases.GOODS[source](world)
    entry = case.entry
    assert owners.owner_of(entry) is case.record and case.holds()
    if source == "reversal":
        with pytest.raises(owners.VoidRefused):
            owners.void(entry, "Thử")
        return
    on_hand = goods.on_hand(entry.unit, entry.item_key, entry.item_unit)
    owners.void(entry, "Ghi nhầm, hủy để ghi lại")
    db.session.commit()
    db.session.expire_all()
    entry = db.session.get(GoodsEntry, entry.id)
    assert goods.is_reversed(entry)
    assert not case.holds() or owners.owner_for(entry.source, owners.GOODS).is_book
    moved = entry.quantity if entry.direction == "in" else -entry.quantity
    assert goods.on_hand(entry.unit, entry.item_key, entry.item_unit) == on_hand - moved
    with pytest.raises(Refusal):  # voided once: the owner refuses a second time (its own refusal)
        owners.void(entry, "Lần nữa")
    db.session.rollback()
