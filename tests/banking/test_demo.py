"""The demo commune has a bank account, its drives show a QR, September's statement is worked
through (the reconciliation holds) and October's statement can be imported from the upload page."""
import io
import re
import uuid

import pytest
from sqlalchemy import func, select

from app.banking.models import POSTED, WAITING, BankAccount, BankLine, BankStatement
from app.campaigns.demo import OCTOBER
from app.campaigns.models import Campaign
from app.core.db import write_mode
from app.extensions import db


@pytest.fixture
def demo(app, client):
    from app.demo.services import seed

    with write_mode():
        logins = seed()
        db.session.commit()
    username, password = next((u, p) for u, p, _role, _unit in logins if u == "thuquy")
    assert client.post("/dang-nhap", data={"username": username, "password": password}).status_code in (302, 303)
    return client


def _count(*where) -> int:
    return db.session.scalar(select(func.count(BankLine.id)).where(*where))


def test_the_demo_bank_year(demo):
    account = db.session.scalar(select(BankAccount))
    octo = db.session.scalar(select(Campaign).where(Campaign.name == OCTOBER))
    page = demo.get(f"/dot-van-dong/{octo.id}").get_data(as_text=True)
    assert "<svg" in page and f"KH{octo.unit_id}D{octo.id}" in page and account.account_number in page

    september = demo.get(f"/ngan-hang/{account.id}/doi-chieu?thang=2026-09").get_data(as_text=True)
    assert "Khớp: 12.500.000 đ" in september
    assert _count(BankLine.status == POSTED) >= 4 and _count(BankLine.status == WAITING) >= 1

    upload = demo.get(f"/ngan-hang/{account.id}/sao-ke").get_data(as_text=True)
    link = re.search(r'href="([^"]+sao-ke-mau\.xlsx)"', upload)
    assert link, "the upload page offers the demo statement"
    data = demo.get(link.group(1)).data
    before = _count()
    resp = demo.post(f"/ngan-hang/{account.id}/sao-ke", data={"file": (io.BytesIO(data), "sao-ke.xlsx"), "layout": ""},
                     content_type="multipart/form-data")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:1000]
    preview = resp.headers["Location"]
    html = demo.get(preview).get_data(as_text=True)
    assert re.search(r"Đã khớp</dt><dd>[1-9]", html) and re.search(r"Cần xem lại</dt><dd>[1-9]", html)
    assert re.search(r"Chưa khớp</dt><dd>[1-9]", html)
    assert demo.post(preview + "/luu", data={"idem_key": uuid.uuid4().hex}).status_code == 303
    assert _count() == before + 6 and db.session.scalar(select(func.count(BankStatement.id))) == 2
