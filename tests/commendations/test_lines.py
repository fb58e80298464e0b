"""Many lines of a decision at once (issue 14 A): picked / this page / all matching, JavaScript off
(plain POSTs) and on (htmx), a confirm page before anything is written, one transaction, back to
the same page of the list; one row's "Bỏ" swaps only its row."""
import re

import pytest
from sqlalchemy import func, select

from app.commendations import issuing, prizes
from app.commendations.models import Honoree
from app.extensions import db
from app.funds.models import LedgerEntry
from app.printing.models import PrintJob
from tests.conftest import login
from tests.factories_commendations import add, make_decision
from tests.factories_funds import give, make_fund

PREFIX = "/khen-thuong"
NAMES = [f"Nguyễn Văn Học{chr(97 + i % 26)}{i:02d}" for i in range(45)]  # 45 lines: two pages of 40


@pytest.fixture
def admin(world, as_user):
    return as_user(world.users["admin"])


@pytest.fixture
def draft(world):
    d = make_decision(world.commune, number="7/QĐ-HKH", amount=100_000)
    for name in NAMES:
        add(d, name, "Học sinh giỏi", amount=100_000, commit=False)
    db.session.commit()
    return d


def _ids(d):
    return list(db.session.scalars(select(Honoree.id).where(Honoree.decision_id == d.id)))


def _page_ids(html):
    return re.findall(r'name="page_ids" value="(\d+)"', html)


def _key(html):
    return re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', html).group(1)


def _confirm_data(html):
    """What the confirm page's form posts: its hidden fields and the confirm button."""
    form = html[html.index('id="lines-confirm"'):]
    form = form[:form.index("</form>")]
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    data["idem_key"] = _key(html)
    data["step"] = "confirm"
    return data


def test_list_is_one_bulk_form_with_labels_on_every_cell(admin, draft):
    html = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}?trang=2").get_data(as_text=True)
    assert 'id="lines-form"' in html and len(_page_ids(html)) == 5
    assert 'name="f.trang" value="2"' in html  # the place rides along
    assert "Bỏ khỏi danh sách tất cả 45 dòng khớp bộ lọc" in html and "In giấy khen cả trang này (5)" in html
    assert 'aria-label="Chọn Nguyễn Văn Họca00"' not in html  # page 2 shows the last five
    table = html[html.index('id="lines-form"'):html.index("</form>", html.index('id="lines-form"'))]
    cells = re.findall(r"<td([^>]*)>", table)
    assert cells and all("data-label=" in c for c in cells)
    frag = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}?trang=2", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="lines-form"' in frag


def test_remove_all_matching_asks_first_then_removes_in_one_go_and_comes_back(admin, draft):
    url = f"{PREFIX}/quyet-dinh/{draft.id}/danh-sach/bo-nhieu"
    page = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}?trang=2").get_data(as_text=True)
    resp = admin.post(url, data={"scope": "all", "page_ids": _page_ids(page), "f.trang": "2"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and len(_ids(draft)) == 45  # nothing written yet
    assert "<strong>45</strong> dòng sẽ bị bỏ khỏi danh sách" in html and "4.500.000" in html
    assert "và 15 dòng nữa" in html  # 30 lines shown, the rest counted
    data = _confirm_data(html)
    resp = admin.post(url, data=data)
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quyet-dinh/{draft.id}?trang=2#honorees")
    assert _ids(draft) == []
    assert admin.post(url, data=data).status_code == 303  # a double tap: the same answer, nothing more


def test_remove_picked_lines_and_a_changed_list_is_shown_again(admin, draft):
    url = f"{PREFIX}/quyet-dinh/{draft.id}/danh-sach/bo-nhieu"
    ids = [str(i) for i in _ids(draft)]
    resp = admin.post(url, data={"scope": "picked", "ids": ids[:3], "page_ids": ids[:40]})
    html = resp.get_data(as_text=True)
    assert "<strong>3</strong> dòng" in html
    data = _confirm_data(html)
    db.session.delete(db.session.get(Honoree, int(ids[0])))  # someone took one off meanwhile
    db.session.commit()
    resp = admin.post(url, data=data)
    assert resp.status_code == 422 and "Danh sách đã thay đổi" in resp.get_data(as_text=True)
    assert len(_ids(draft)) == 44
    resp = admin.post(url, data={"scope": "picked", "page_ids": ids[:40]})  # nothing ticked
    assert resp.status_code == 303 and len(_ids(draft)) == 44


def test_remove_one_row_with_htmx_swaps_only_that_row(admin, draft):
    hid = _ids(draft)[41]
    resp = admin.post(f"{PREFIX}/nguoi/{hid}/xoa?trang=2", data={}, htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and body.strip().startswith(f'<tr id="row-{hid}"') and "<html" not in body
    assert "Đã bỏ" in body and len(_ids(draft)) == 44
    other = _ids(draft)[0]
    resp = admin.post(f"{PREFIX}/nguoi/{other}/xoa?trang=2", data={})  # without JavaScript: back to page 2
    assert resp.status_code == 303 and resp.headers["Location"].endswith("?trang=2#honorees")


def test_print_certificates_of_picked_lines_or_all_goes_through_the_print_job(admin, draft):
    url = f"{PREFIX}/quyet-dinh/{draft.id}/danh-sach/in-giay-khen"
    ids = [str(i) for i in _ids(draft)]
    resp = admin.post(url, data={"scope": "picked", "ids": ids[5:7], "page_ids": ids[:40]})
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = db.session.scalars(select(PrintJob).order_by(PrintJob.id.desc())).first()
    # The site's address travels with every job (printed beside each certificate's QR).
    assert job.params == {"decision_id": draft.id, "honoree_ids": [int(i) for i in ids[5:7]], "_site": "http://localhost/"}
    resp = admin.post(url, data={"scope": "all", "page_ids": ids[:40]}, htmx=True)
    assert resp.status_code == 200 and "/in-an/" in resp.headers["HX-Redirect"]
    job = db.session.scalars(select(PrintJob).order_by(PrintJob.id.desc())).first()
    assert job.params == {"decision_id": draft.id, "_site": "http://localhost/"}  # the decision's usual job


def test_pay_again_many_reversed_prizes_with_a_control_total(app, world, as_user):
    fund = make_fund(world.commune)
    give(fund, 5_000_000)
    d = make_decision(world.commune, fund=fund)
    lines = [add(d, name, amount=200_000) for name in ("Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường")]
    issuing.issue(d)
    db.session.commit()
    for h in lines[:2]:
        prizes.reverse_prize(h, "Ghi nhầm người nhận")
    db.session.commit()
    treasurer = as_user(world.users["treasurer"])
    page = treasurer.get(f"{PREFIX}/quyet-dinh/{d.id}").get_data(as_text=True)
    assert "Chi lại tiền thưởng tất cả 3 dòng khớp bộ lọc" in page and "2 người chưa chi" in page
    url = f"{PREFIX}/quyet-dinh/{d.id}/danh-sach/chi-lai"
    html = treasurer.post(url, data={"scope": "all", "page_ids": _page_ids(page)}).get_data(as_text=True)
    assert "<strong>2</strong> người sẽ được chi lại tiền thưởng" in html and "400.000" in html
    assert "Bỏ qua 1 dòng: Phạm Văn Cường (đã chi)" in html
    assert html.index("Tổng tiền kiểm tra") < html.index("Lê Văn An")  # the control at the top
    data = _confirm_data(html) | {"paid_on": "2026-03-20", "control_total": "300.000"}
    before = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    resp = treasurer.post(url, data=data)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "phải bằng tổng" in body
    assert body.index("phải bằng tổng") < body.index("Lê Văn An")
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == before  # nothing written
    resp = treasurer.post(url, data=data | {"control_total": "400.000"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert all(db.session.get(Honoree, h.id).payment_entry_id for h in lines)
    clerk = app.test_client()
    login(clerk, world.users["clerk"])
    assert clerk.post(url, data={"scope": "all"}).status_code == 403
