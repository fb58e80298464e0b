"""Goods services: stock, GN/XK numbering, nothing given out that is not on hand, voiding rules, audit."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEntry
from app.extensions import db
from app.goods import services as goods
from app.goods.models import GoodsEntry
from tests.factories_goods import hand_out, receive


def _stock_row(root, item_key="vo"):
    return next(r for r in goods.stock(root) if r["item_key"] == item_key)


def test_stock_is_received_minus_given_out_per_unit_and_item(world):
    receive(world.commune, 50, 500_000)
    receive(world.commune, 30, 600_000, item="Vở", item_unit="Quyển")  # same item and unit, other spelling
    receive(world.commune, 2, 3_000_000, item="xe đạp", item_unit="chiếc")
    receive(world.branch, 10, 100_000)
    hand_out(world.commune, 20)
    row = next(r for r in goods.stock(world.province) if r["unit_id"] == world.commune.id and r["item_key"] == "vo")
    assert (row["received"], row["given_out"], row["on_hand"]) == (Decimal(80), Decimal(20), Decimal(60))
    # 20 of 80 notebooks worth 1.100.000 đ: the average value goes out with them.
    assert row["value_received"] == 1_100_000 and row["value_given_out"] == 275_000
    assert row["value_on_hand"] == 825_000
    assert goods.on_hand(world.commune, "vo", "quyển") == Decimal(60)
    assert goods.on_hand(world.branch, "vo", "quyển") == Decimal(10)
    # The commune's scope holds its branch; the other commune sees none of it.
    assert {r["unit_id"] for r in goods.stock(world.commune)} == {world.commune.id, world.branch.id}
    assert goods.stock(world.other_commune) == []


def test_numbers_are_gap_free_per_unit_kind_and_year_and_reversals_have_none(world):
    first = receive(world.commune, 10, 100_000)
    second = receive(world.commune, 10, 100_000, day=date(2026, 10, 1))
    other_unit = receive(world.other_commune, 10, 100_000)
    last_year = receive(world.commune, 5, 50_000, day=date(2025, 12, 30))
    out = hand_out(world.commune, 3)
    void = goods.reverse(out, "Ghi nhầm")
    db.session.commit()
    out2 = hand_out(world.commune, 3)
    assert [first.number, second.number, other_unit.number, last_year.number] == [
        "GN-2026-0001", "GN-2026-0002", "GN-2026-0001", "GN-2025-0001"]
    assert (out.number, out2.number) == ("XK-2026-0001", "XK-2026-0002")
    assert void.number is None and void.basis == "XK-2026-0001" and void.reversal_of_id == out.id


def test_a_refused_hand_out_gives_its_number_back(world):
    receive(world.commune, 10, 100_000)
    with pytest.raises(goods.GoodsError):
        goods.give_out(world.commune, item="vở", item_unit="quyển", quantity=11, entry_date=date(2026, 9, 6),
                       recipient="Em An", purpose="Học bổng")
    db.session.rollback()
    assert hand_out(world.commune, 10).number == "XK-2026-0001"


def test_cannot_give_out_more_than_on_hand(world):
    receive(world.commune, 10, 100_000)
    receive(world.other_commune, 100, 1_000_000)  # another unit's stock does not help
    with pytest.raises(goods.GoodsError) as err:
        goods.give_out(world.commune, item="vở", item_unit="quyển", quantity="10,5", entry_date=date(2026, 9, 6),
                       recipient="Em An", purpose="Học bổng")
    assert err.value.field == "quantity" and "không đủ" in str(err.value).lower()
    assert "còn 10 quyển" in str(err.value)
    db.session.rollback()
    with pytest.raises(goods.GoodsError):  # a unit of measure is part of the item
        goods.give_out(world.commune, item="vở", item_unit="thùng", quantity=1, entry_date=date(2026, 9, 6),
                       recipient="Em An", purpose="Học bổng")
    db.session.rollback()
    everything = hand_out(world.commune, 10)  # exactly what is on hand: allowed, and takes all its value
    assert everything.value == 100_000 and goods.on_hand(world.commune, "vo", "quyển") == 0


@pytest.mark.parametrize("quantity, message", [
    (0, "lớn hơn 0"), (-1, "lớn hơn 0"), ("abc", "không hợp lệ"), (1.5, "không hợp lệ"), (True, "không hợp lệ"),
    ("1000000000", "quá lớn"), ("1,234", "2 chữ số"), ("NaN", "không hợp lệ"), ("Infinity", "không hợp lệ")])
def test_quantities_are_positive_bounded_with_two_decimals(world, quantity, message):
    with pytest.raises(goods.GoodsError) as err:
        goods.receive(world.commune, item="gạo", item_unit="kg", quantity=quantity, value=0,
                      entry_date=date(2026, 9, 5), giver="Bà Tư")
    assert message in str(err.value) and err.value.field == "quantity"


def test_accepted_quantity_and_value_forms(world):
    e = goods.receive(world.commune, item="gạo", item_unit="kg", quantity="999999999,99", value=0,
                      entry_date=date(2026, 9, 5), giver="Bà Tư")
    assert e.quantity == Decimal("999999999.99") and e.value == 0
    for value in (-1, 1.0, "100"):
        with pytest.raises(goods.GoodsError) as err:
            goods.receive(world.commune, item="gạo", item_unit="kg", quantity=1, value=value,
                          entry_date=date(2026, 9, 5), giver="Bà Tư")
        assert err.value.field == "value"
    with pytest.raises(goods.GoodsError) as err:
        goods.receive(world.commune, item=" ", item_unit="kg", quantity=1, value=0, entry_date=date(2026, 9, 5),
                      giver="Bà Tư")
    assert err.value.field == "item"
    with pytest.raises(goods.GoodsError) as err:
        goods.give_out(world.commune, item="gạo", item_unit="kg", quantity=1, entry_date=date(2026, 9, 5),
                       recipient="Em An", purpose="x", source="donation")
    assert err.value.field == "source"


def test_voiding_a_receipt_is_refused_once_some_was_handed_out(world):
    received = receive(world.commune, 50, 500_000)
    out = hand_out(world.commune, 20)
    with pytest.raises(goods.GoodsError) as err:
        goods.reverse(received, "Nhận nhầm")
    assert err.value.field == "reason" and "âm" in str(err.value)
    db.session.rollback()
    goods.reverse(out, "Phát nhầm")  # the hand-out voided: the notebooks are back
    db.session.commit()
    assert goods.on_hand(world.commune, "vo", "quyển") == 50
    goods.reverse(received, "Nhận nhầm")
    db.session.commit()
    row = _stock_row(world.commune)
    assert (row["received"], row["given_out"], row["on_hand"], row["value_on_hand"]) == (0, 0, 0, 0)


def test_an_entry_is_voided_once_and_a_reversal_never(world):
    received = receive(world.commune, 5, 50_000)
    reversal = goods.reverse(received, "Sai")
    db.session.commit()
    for entry, words in ((received, "đã được hủy"), (reversal, "phiếu hủy")):
        with pytest.raises(goods.GoodsError) as err:
            goods.reverse(entry, "Lần nữa")
        assert words in str(err.value)
        db.session.rollback()
    with pytest.raises(goods.GoodsError) as err:
        goods.reverse(reversal.original, "  ")
    assert err.value.field == "reason"


def test_every_write_is_audited_in_the_same_transaction(world):
    received = receive(world.commune, 5, 50_000)
    out = hand_out(world.commune, 2)
    void = goods.reverse(out, "Sai người nhận")
    db.session.commit()
    rows = db.session.execute(select(AuditEntry.object_id, AuditEntry.action, AuditEntry.unit_id)
                              .where(AuditEntry.object_type == "goods_entry").order_by(AuditEntry.id)).all()
    assert [tuple(r) for r in rows] == [(received.id, "post", world.commune.id), (out.id, "post", world.commune.id),
                                        (void.id, "void", world.commune.id)]


def test_goods_entries_are_append_only_in_the_database(world):
    entry = receive(world.commune, 5, 50_000)
    for sql in ("UPDATE goods_entry SET quantity = 500 WHERE id = :id", "DELETE FROM goods_entry WHERE id = :id"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(sql), {"id": entry.id})
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(GoodsEntry)) == 1
