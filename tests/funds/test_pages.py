"""Fund pages through the app: list, ledger, payment (idempotent), transfer, void."""
import re

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.extensions import db
from app.funds import services
from app.funds.models import LedgerEntry
from tests.factories_funds import fund_world, give, make_fund


@pytest.fixture
def funds(world):
    return fund_world(world)


@pytest.fixture
def treasurer(world, as_user):
    return as_user(world.users["treasurer"])


def _count():
    return db.session.scalar(select(func.count()).select_from(LedgerEntry))


def _key(html):
    return re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', html).group(1)


def test_fund_list_shows_scope_with_balances_plain_and_htmx(world, funds, as_user):
    client = as_user(world.users["viewer"])
    page = client.get("/quy/").get_data(as_text=True)
    assert "<html" in page and funds.own.name in page and "4.000.000 đ" in page
    assert world.other_commune.name not in page
    frag = client.get("/quy/", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="results"' in frag and "4.000.000 đ" in frag


def test_fund_page_shows_balance_in_words_and_filters_rows(world, funds, as_user):
    client = as_user(world.users["viewer"])
    page = client.get(f"/quy/{funds.own.id}").get_data(as_text=True)
    assert "Bốn triệu đồng" in page and "PT-2026-0001" in page and "PC-2026-0001" in page
    frag = client.get(f"/quy/{funds.own.id}?huong=out", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="ledger"' in frag
    assert "PC-2026-0001" in frag and "PT-2026-0001" not in frag
    empty = client.get(f"/quy/{funds.own.id}?tu_ngay=2027-01-01", htmx=True).get_data(as_text=True)
    assert "Chưa có bút toán nào khớp" in empty


def test_payment_form_posts_a_voucher(funds, treasurer):
    html = treasurer.get(f"/quy/{funds.own.id}/chi").get_data(as_text=True)
    resp = treasurer.post(f"/quy/{funds.own.id}/chi", data={
        "idem_key": _key(html), "entry_date": "2026-09-05", "amount": "1.500.000", "recipient": "Võ Thị Ngọc",
        "purpose": "Học bổng", "basis": "15/QĐ-HKH", "method": "cash"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quy/{funds.own.id}")
    entry = db.session.scalar(select(LedgerEntry).order_by(LedgerEntry.id.desc()))
    assert (entry.number, entry.amount, entry.counterparty, entry.basis) == (
        "PC-2026-0002", 1_500_000, "Võ Thị Ngọc", "15/QĐ-HKH")


def test_double_submit_with_same_key_creates_one_entry(funds, treasurer):
    key = _key(treasurer.get(f"/quy/{funds.own.id}/chi").get_data(as_text=True))
    data = {"idem_key": key, "entry_date": "2026-09-05", "amount": "200000", "recipient": "Bùi Văn Sơn",
            "purpose": "Tặng quà", "method": "cash"}
    before = _count()
    first = treasurer.post(f"/quy/{funds.own.id}/chi", data=data)
    second = treasurer.post(f"/quy/{funds.own.id}/chi", data=data, htmx=True)
    assert _count() == before + 1
    assert first.status_code == 303 and second.headers["HX-Redirect"] == first.headers["Location"]


def test_payment_beyond_balance_is_refused_beside_amount(funds, treasurer):
    html = treasurer.get(f"/quy/{funds.own.id}/chi").get_data(as_text=True)
    before = _count()
    resp = treasurer.post(f"/quy/{funds.own.id}/chi", htmx=True, data={
        "idem_key": _key(html), "entry_date": "2026-09-05", "amount": "4.000.001", "recipient": "A",
        "purpose": "B", "method": "cash"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in body
    assert re.search(r'id="amount-err">[^<]*không đủ', body)
    assert 'value="4.000.001"' in body and _count() == before


def test_payment_amount_is_validated(funds, treasurer):
    html = treasurer.get(f"/quy/{funds.own.id}/chi").get_data(as_text=True)
    resp = treasurer.post(f"/quy/{funds.own.id}/chi", data={
        "idem_key": _key(html), "entry_date": "2026-09-05", "amount": "12,500", "recipient": "A", "purpose": "B",
        "method": "cash"})
    assert resp.status_code == 422 and "Không dùng dấu phẩy" in resp.get_data(as_text=True)


def test_transfer_between_funds_in_scope(world, funds, treasurer):
    target = make_fund(world.branch, "Quỹ chi hội")
    key = _key(treasurer.get(f"/quy/{funds.own.id}/chuyen").get_data(as_text=True))
    resp = treasurer.post(f"/quy/{funds.own.id}/chuyen", data={
        "idem_key": key, "to_fund_id": target.id, "entry_date": "2026-09-05", "amount": "1.000.000",
        "reason": "Hỗ trợ chi hội"})
    assert resp.status_code == 303
    assert services.balance(target) == 1_000_000 and services.balance(funds.own) == 3_000_000


def test_transfer_to_fund_outside_scope_is_not_offered_nor_accepted(funds, treasurer):
    resp = treasurer.get(f"/quy/{funds.own.id}/chuyen")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'name="to_fund_id"' in html  # the form with its choices is there
    assert f'value="{funds.other.id}"' not in html
    resp = treasurer.post(f"/quy/{funds.own.id}/chuyen", data={
        "idem_key": _key(html), "to_fund_id": funds.other.id, "entry_date": "2026-09-05", "amount": "1000",
        "reason": "x"})
    assert resp.status_code == 422 and services.balance(funds.other) == 4_000_000


def test_void_requires_a_reason(funds, treasurer):
    page = treasurer.get(f"/quy/but-toan/{funds.own_payment.id}/huy").get_data(as_text=True)
    assert "hx-confirm" in page and "Lý do hủy" in page
    resp = treasurer.post(f"/quy/but-toan/{funds.own_payment.id}/huy", data={"reason": "  "})
    assert resp.status_code == 422 and "Vui lòng nhập lý do hủy" in resp.get_data(as_text=True)
    assert not services.is_reversed(funds.own_payment)


def test_voided_entry_is_struck_through_with_reason(funds, treasurer):
    resp = treasurer.post(f"/quy/but-toan/{funds.own_payment.id}/huy", data={"reason": "Chi trùng phiếu"})
    assert resp.status_code == 303
    page = treasurer.get(f"/quy/{funds.own.id}").get_data(as_text=True)
    row = re.search(rf'<tr id="entry-{funds.own_payment.id}".*?</tr>', page, re.S).group(0)
    assert 'class="voided' in row and "<del>PC-2026-0001</del>" in row and "Chi trùng phiếu" in row
    assert "Hủy PC-2026-0001" in page and services.balance(funds.own) == 5_000_000


def test_an_income_posted_straight_to_the_ledger_is_voided_here(funds, treasurer):
    # No gift behind it (source_id NULL): the ledger owns it. A gift's income is voided here through
    # the gift (tests/funds/test_void_owners.py).
    income = give(funds.own, 700_000)
    page = treasurer.get(f"/quy/but-toan/{income.id}/huy").get_data(as_text=True)
    assert 'name="reason"' in page and "Hủy ở đây thì" not in page
    resp = treasurer.post(f"/quy/but-toan/{income.id}/huy", data={"reason": "Nhập nhầm quỹ"})
    assert resp.status_code == 303 and services.is_reversed(income)


def test_create_fund(world, treasurer):
    resp = treasurer.post("/quy/moi", data={"unit_id": world.branch.id, "name": "Quỹ học bổng Lê Văn Tám",
                                            "description": ""})
    assert resp.status_code == 303
    again = treasurer.post("/quy/moi", data={"unit_id": world.branch.id, "name": "quy hoc bong le van tam"},
                           htmx=True)
    assert again.status_code == 422 and "cùng tên" in again.get_data(as_text=True)


def test_clerk_cannot_pay(world, funds, as_user):
    client = as_user(world.users["clerk"])
    assert client.get(f"/quy/{funds.own.id}/chi").status_code == 403
    resp = client.get(f"/quy/{funds.own.id}")
    assert resp.status_code == 200 and funds.own.name in resp.get_data(as_text=True)  # the fund's page itself
    assert "Lập phiếu chi" not in resp.get_data(as_text=True)
    give(funds.own, 1)  # the page still works after more posts


def test_ledger_exports_to_xlsx_with_filters_and_neutralised_formulas(app, client, world):
    import io

    from openpyxl import load_workbook

    from app.funds import services
    from app.funds.services import default_fund
    from app.extensions import db
    from tests.conftest import login

    fund = default_fund(world.commune)
    services.post_income(fund, 500_000, entry_date=clock.today(), source="donation",
                         counterparty="=HYPERLINK(\"http://x\")", description="Ủng hộ Tháng Khuyến học")
    services.post_payment(fund, 200_000, entry_date=clock.today(), recipient="Trần Thị Đào",
                          purpose="Học bổng", basis="15/QĐ-HKH")
    db.session.commit()
    login(client, world.users["viewer"])
    resp = client.get(f"/quy/{fund.id}/so-quy.xlsx?huong=in")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Ngày", "Số phiếu", "Thu/Chi")
    assert len(rows) == 2 and rows[1][7] == 500_000  # the payment is filtered out
    assert rows[1][4].startswith("'=")  # a formula typed as a name is text, never run
