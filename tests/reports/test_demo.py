"""The demo association gives the demo commune a believable dashboard and year reports."""
import re

import pytest
from sqlalchemy import select

from app.core.db import write_mode
from app.extensions import db
from app.reports.demo import OLD
from app.units.models import Unit


@pytest.fixture
def demo(app, client):
    from app.demo.services import seed

    with write_mode():
        logins = seed()
        db.session.commit()
    username, password = next((u, p) for u, p, _role, _unit in logins if u == "quantrixa")
    resp = client.post("/dang-nhap", data={"username": username, "password": password})
    assert resp.status_code in (302, 303)
    return client


def test_demo_dashboard_has_money_campaigns_pigs_pupils_and_work_to_do(demo):
    html = demo.get("/?ky=2026").get_data(as_text=True)
    raised = re.search(r"Vận động được năm 2026</span>\s*<strong>([\d.]+) đ</strong>", html)
    assert raised and int(raised.group(1).replace(".", "")) > 100_000_000
    assert "Tháng Khuyến học 2026" in html and "đề cử học bổng chờ duyệt" in html
    assert re.search(r"Heo đất đang nuôi</span><strong>[1-9]\d*</strong>", html)
    assert re.search(r"<strong>[1-9]\d* em</strong>", html)
    assert html.count("<svg") == 4 and "Chưa có số liệu." not in html


def test_demo_year_report_2026_says_what_the_commune_did(demo):
    html = demo.get("/bao-cao/tong-ket?ky=2026").get_data(as_text=True)
    paragraph = re.search(r'id="report-paragraph">(.*?)</p>', html, flags=re.S).group(1)
    for words in ("Năm 2026, Hội Khuyến học xã Lai Vung đã vận động được", "cấp học bổng và tập sách cho",
                  "mô hình nuôi heo đất khuyến học ở 3 chi hội thu được", "công nhận", "“Gia đình học tập”"):
        assert words in paragraph, words


def test_the_merged_commune_keeps_its_history_under_lai_vung(demo):
    old = db.session.scalar(select(Unit).where(Unit.name == OLD))
    assert old.parent.name == "Hội Khuyến học xã Lai Vung" and not old.active
    html = demo.get("/bao-cao/tong-ket?ky=2024-2025").get_data(as_text=True)
    assert OLD in html and "Tháng Khuyến học 2024 - xã Tân Thành" in html
    # The hand-over of its fund (July 2025) is a transfer inside Lai Vung: it nets to zero, and the
    # money is not raised a second time.
    from app.reports.periods import calendar_year
    from app.reports.yearreport import build

    lai_vung = old.parent
    rep = build(lai_vung, calendar_year(2025))
    merged = next(r for r in rep.rows if r.unit_id == old.id)
    assert merged.summary.transfer_net < 0 and rep.total.raised == sum(r.summary.raised for r in rep.rows)
    assert rep.total.transfer_net == 86_500_000  # only the former district fund came from outside


def test_demo_commune_has_published_last_years_disclosure(demo, app):
    from app.core.clock import today

    lai_vung = db.session.scalar(select(Unit).where(Unit.name == "Hội Khuyến học xã Lai Vung"))
    public = app.test_client()
    year = today().year
    page = public.get(f"/cong-khai/{lai_vung.id}/{year - 1}")
    assert page.status_code == 200 and "Số liệu chốt lúc" in page.get_data(as_text=True)
    assert public.get(f"/cong-khai/{lai_vung.id}/{year}").status_code == 404
