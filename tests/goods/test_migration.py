"""Migration 0013's data step: gifts in kind recorded as cash by the old code move to the goods register."""
import importlib.util
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.donations import services as donations
from app.donations.models import Donation
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.goods import services as goods
from tests.factories_donations import make_campaign, make_donation, make_donor
from tests.factories_goods import gift_in_kind

RUN_DAY = date(2026, 12, 6)


def _migration():
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0013_goods.py"
    spec = importlib.util.spec_from_file_location("migration_0013_goods", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def old_style_gift(campaign, donor, amount, *, item="vở", quantity=Decimal(50), item_unit="quyển",
                   day=date(2026, 9, 5)):
    """A gift in kind as the code before issue 13 recorded it: a phiếu thu into the fund, as cash."""
    donation = Donation(unit_id=campaign.unit_id, campaign_id=campaign.id, donor_id=donor.id, donation_date=day,
                        amount=amount, method="in_kind", item=item, quantity=quantity, item_unit=item_unit)
    db.session.add(donation)
    db.session.flush()
    donation.entry = funds.post_income(campaign.fund, amount, entry_date=day, source="donation",
                                       source_id=donation.id, counterparty=donor.name,
                                       counterparty_address=donor.address,
                                       description=donations.purpose_text(campaign, donation), method="in_kind")
    db.session.commit()
    return donation


def _run():
    moved = _migration().move_in_kind_gifts(db.session.connection(), RUN_DAY)
    db.session.commit()
    db.session.expire_all()
    return moved


def test_old_gifts_in_kind_leave_the_cash_and_enter_the_goods_register(world):
    campaign = make_campaign(world.commune)
    donor = make_donor(world.commune, "Công ty TNHH Hồng Phát", "business", "Thị trấn Lai Vung")
    fund = campaign.fund
    make_donation(campaign, 200_000)  # real cash stays
    notebooks = old_style_gift(campaign, donor, 500_000)
    rice = old_style_gift(campaign, donor, 300_000, item="gạo", quantity=None, item_unit="",
                          day=date(2026, 9, 3))  # the old form let the quantity out
    voided = old_style_gift(campaign, donor, 900_000, item="xe đạp", quantity=Decimal(1), item_unit="chiếc")
    donations.void_donation(voided, "Ghi trùng")
    db.session.commit()
    new_style = gift_in_kind(campaign, 10, 100_000, item="bút", item_unit="cây")  # GN-2026-0001 already taken
    assert funds.balance(fund) == 200_000 + 500_000 + 300_000
    old_numbers = {d.id: d.entry.number for d in (notebooks, rice)}

    assert _run() == 2
    assert funds.balance(fund) == 200_000  # the cash book holds cash only
    row = {r["item_key"]: r for r in goods.stock(world.commune)}
    assert (row["vo"]["on_hand"], row["vo"]["value_on_hand"]) == (Decimal(50), 500_000)
    assert (row["gao"]["on_hand"], row["gao"]["item_unit"], row["gao"]["value_on_hand"]) == (Decimal(1), "lô", 300_000)
    assert "xe dap" not in row and row["but"]["on_hand"] == 10

    notebooks, rice = db.session.get(Donation, notebooks.id), db.session.get(Donation, rice.id)
    # GN numbers continue the counter, in the gifts' date order; the old phiếu thu keeps its number.
    assert (rice.goods_entry.number, notebooks.goods_entry.number) == ("GN-2026-0002", "GN-2026-0003")
    assert new_style.goods_entry.number == "GN-2026-0001"
    for gift in (notebooks, rice):
        old = gift.entry
        assert old.number == old_numbers[gift.id] and gift.moved_receipt is old
        rev = funds.reversal_of(old)
        assert (rev.source, rev.number, rev.source_id, rev.amount, rev.direction, rev.fund_id, rev.unit_id) == (
            "reversal", None, old.id, old.amount, "out", old.fund_id, old.unit_id)
        assert rev.entry_date == RUN_DAY and rev.basis == old.number
        assert rev.description == "Chuyển hiện vật sang sổ hiện vật: khoản này không phải tiền mặt"
        assert gift.goods_entry.source == "donation" and gift.goods_entry.source_id == gift.id
        assert gift.goods_entry.value == gift.amount and not gift.voided
        audits = {(a.object_type, a.action) for a in db.session.scalars(select(AuditEntry).where(
            ((AuditEntry.object_type == "ledger_entry") & (AuditEntry.object_id == rev.id))
            | ((AuditEntry.object_type == "goods_entry") & (AuditEntry.object_id == gift.goods_entry_id))))}
        assert audits == {("ledger_entry", "void"), ("goods_entry", "post")}
        void_row = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "ledger_entry",
                                                              AuditEntry.object_id == rev.id))
        assert void_row.after["reason"] and void_row.after["reversal_of_id"] == old.id

    # Nothing moves twice, and the moved gift is voided through its goods entry afterwards.
    assert _run() == 0 and funds.balance(fund) == 200_000
    entries = db.session.scalar(select(LedgerEntry.id).order_by(LedgerEntry.id.desc()).limit(1))
    donations.void_donation(notebooks, "Nhận nhầm")
    db.session.commit()
    assert goods.is_reversed(notebooks.goods_entry) and funds.balance(fund) == 200_000
    assert db.session.scalar(select(LedgerEntry.id).order_by(LedgerEntry.id.desc()).limit(1)) == entries


def test_the_old_receipt_prints_da_huy_after_the_move(world, as_user):
    import shutil
    import subprocess

    import pytest

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    campaign = make_campaign(world.commune)
    gift = old_style_gift(campaign, make_donor(world.commune), 500_000)
    client = as_user(world.users["viewer"])
    before = subprocess.run(["pdftotext", "-", "-"], capture_output=True, check=True,
                            input=client.get(f"/quy/but-toan/{gift.entry_id}/phieu.pdf").data).stdout.decode()
    assert "PHIẾU THU" in before and "ĐÃ HỦY" not in before
    _run()
    # -raw: the text in the order it was laid out (the void stamp and its reason are two cells of a row).
    after = subprocess.run(["pdftotext", "-raw", "-", "-"], capture_output=True, check=True,
                           input=client.get(f"/quy/but-toan/{gift.entry_id}/phieu.pdf").data).stdout.decode()
    assert "ĐÃ HỦY" in after and "sổ hiện vật" in " ".join(after.split())
    page = client.get(f"/quyen-gop/{gift.id}").get_data(as_text=True)
    assert "Phiếu thu cũ" in page and "In biên bản giao nhận" in page
