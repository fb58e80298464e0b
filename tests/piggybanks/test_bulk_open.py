"""Opening many pigs in one action (issue 14 A): picked / all on this page / all N matching the filter,
the rows, a confirmation page (count, money, control total) before anything is written, one
transaction, and back to the same list and filter."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.funds.models import LedgerEntry
from app.piggybanks import batch
from app.piggybanks.models import PiggyBankOpening
from tests.factories import make_unit
from tests.factories_piggybanks import make_opening, make_pig, make_pigs

URL = "/heo-dat/nhap-phieu-mo-heo"


@pytest.fixture
def school(world):
    """A school under the branch with four pupils' pigs (one already opened), plus pigs elsewhere."""
    school = make_unit(world.branch, "Ban Khuyến học Trường Tiểu học Tân Lộc", "school")
    pigs = make_pigs(school, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Ngọc Ẩn", "Phạm Văn Đông"],
                     holder_type="pupil", prefix="TH")
    make_opening(pigs[3])
    make_pig(world.branch, "Hộ ông Ba", prefix="HB")          # same branch, not the school
    make_pig(world.other_branch, "Hộ ông Khác", prefix="HK")  # another commune: out of scope
    return school, pigs


def _openings() -> int:
    return db.session.scalar(select(func.count()).select_from(PiggyBankOpening))


def _pick(client, scope, filters, ids=(), page_ids=()):
    data = {"scope": scope, "ids": [str(i) for i in ids], "page_ids": [str(i) for i in page_ids]}
    data.update({f"f.{k}": v for k, v in filters.items()})
    return client.post(URL, data=data)


def _fields(body: str) -> dict:
    """The named inputs of an answered form (hidden ones included), to post the next step as a browser would."""
    out = {}
    for tag in re.findall(r"<input[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag:
            out.setdefault(name.group(1), []).append(value.group(1).replace("&#34;", '"') if value else "")
    for name, _ in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        out.setdefault(name, ["fund"])
    return out


def test_list_offers_the_bulk_buttons_only_to_those_who_may_open(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    body = client.get(f"/heo-dat/?don_vi={unit.id}").get_data(as_text=True)
    assert 'id="bulk-form"' in body and "Mổ heo tất cả 3 dòng khớp bộ lọc" in body
    assert all(f'name="ids" value="{p.id}"' in body for p in pigs[:3])
    assert f'name="ids" value="{pigs[3].id}"' not in body  # opened: nothing to tick
    assert f'name="f.don_vi" value="{unit.id}"' in body
    frag = client.get(f"/heo-dat/?don_vi={unit.id}&trang_thai=opened", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="bulk-form"' not in frag  # the filter asks for opened pigs only


def test_a_page_without_pigs_to_open_offers_only_all_matching(as_user, world, school, monkeypatch):
    from app.piggybanks.routes import piggybanks as routes

    unit, pigs = school
    monkeypatch.setattr(routes, "PER_PAGE", 1)
    body = as_user(world.users["clerk"]).get(f"/heo-dat/?don_vi={unit.id}&trang=4").get_data(as_text=True)
    assert "Đã mổ" in body and "Mổ heo tất cả 3 dòng khớp bộ lọc" in body  # page 4 holds the opened pig
    assert "cả trang này" not in body and "các dòng đã chọn" not in body


def test_a_viewer_sees_the_list_without_the_bulk_form(as_user, world, school):
    unit, _ = school
    viewer = as_user(world.users["viewer"]).get(f"/heo-dat/?don_vi={unit.id}").get_data(as_text=True)
    assert 'id="bulk-form"' not in viewer and 'data-label="Người nuôi"' in viewer


def test_all_matching_the_filter_opens_the_rows_of_exactly_those_pigs(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    resp = _pick(client, "all", {"don_vi": unit.id, "loai": "pupil", "trang": "1"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Nhập số tiền mổ heo: 3 heo" in body
    assert [int(i) for i in re.findall(r'name="p(\d+)-amount"', body)] == [p.id for p in pigs[:3]]
    assert "Hộ ông Ba" not in body and "Hộ ông Khác" not in body
    for label in ("Đếm được (đồng)", "Xử lý", "Gia đình giữ (khi chia)", "Người chứng kiến 1"):
        assert f'data-label="{label}"' in body  # each row's boxes are labelled on a phone
    assert 'aria-label="Số đếm được của heo TH-001 (đồng)"' in body
    assert _openings() == 1


def test_picked_and_page_scopes_and_nothing_picked(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    page_ids = [p.id for p in pigs[:3]]
    body = _pick(client, "picked", {"don_vi": unit.id}, ids=[pigs[2].id, pigs[0].id], page_ids=page_ids
                 ).get_data(as_text=True)
    assert [int(i) for i in re.findall(r'name="p(\d+)-amount"', body)] == [pigs[0].id, pigs[2].id]
    body = _pick(client, "page", {"don_vi": unit.id}, page_ids=page_ids).get_data(as_text=True)
    assert len(re.findall(r'name="p\d+-amount"', body)) == 3
    resp = _pick(client, "picked", {"don_vi": unit.id, "trang": "2"}, page_ids=page_ids)
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/heo-dat/?don_vi={unit.id}&trang=2#bulk")
    assert "Chưa chọn dòng nào" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_ids_out_of_scope_or_not_active_are_left_out(as_user, world, school):
    unit, pigs = school
    other = make_pig(world.other_branch, "Hộ bà Ngoài", prefix="NG")
    client = as_user(world.users["clerk"])
    body = _pick(client, "picked", {}, ids=[other.id, pigs[3].id, pigs[1].id]).get_data(as_text=True)
    assert [int(i) for i in re.findall(r'name="p(\d+)-amount"', body)] == [pigs[1].id]
    resp = _pick(client, "picked", {}, ids=[other.id])
    assert resp.status_code == 303 and _openings() == 1


def _entry(client, unit):
    return _pick(client, "all", {"don_vi": unit.id, "loai": "pupil", "trang": "1"}).get_data(as_text=True)


def _fill(fields, pigs, amounts):
    data = dict(fields)
    data.update({"opened_on": ["2026-08-20"], "witness1": ["Trần Văn Bảy"], "witness2": ["Lê Thị Tám"]})
    for pig, amount in zip(pigs, amounts):
        data[f"p{pig.id}-amount"] = [amount]
    return data


def test_review_shows_count_money_and_asks_the_control_total_before_writing(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    data = _fill(_fields(_entry(client, unit)), pigs[:3], ["200.000", "150.000", ""])
    data["p%d-disposition" % pigs[1].id] = ["kept"]
    resp = client.post(URL, data={**data, "step": "review"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Xác nhận mổ 2 heo" in body
    assert "350.000 đ" in body and "Nộp quỹ (ghi phiếu thu): <strong>200.000 đ" in body
    assert 'name="control_total"' in body and "Ghi 2 lần mổ heo" in body
    # The control total comes before the rows, so its message is seen where the user is.
    assert body.index('name="control_total"') < body.index("TH-001")
    assert _openings() == 1

    wrong = client.post(URL, data={**_fields(body), "control_total": "360.000", "step": "confirm"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="control_total-err"' in text and "chênh 10.000 đ" in text
    assert text.index("control_total-err") < text.index("TH-001") and _openings() == 1

    edit = client.post(URL, data={**_fields(body), "step": "edit"}).get_data(as_text=True)
    assert f'name="p{pigs[0].id}-amount" value="200.000"' in edit and "Xem lại và xác nhận" in edit

    done = client.post(URL, data={**_fields(body), "control_total": "350.000", "step": "confirm"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/heo-dat/?don_vi={unit.id}&loai=pupil&trang=1#bulk")
    assert _openings() == 3
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2  # the kept count posts nothing
    again = client.post(URL, data={**_fields(body), "control_total": "350.000", "step": "confirm"})
    assert again.status_code == 303 and _openings() == 3  # a double submit writes once
    flash = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Đã ghi 2 lần mổ heo, tổng đếm được 350.000 đ" in flash


def test_htmx_steps_swap_the_section_and_the_confirm_redirects(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    data = _fill(_fields(_entry(client, unit)), pigs[:1], ["100.000"])
    review = client.post(URL, data={**data, "step": "review"}, htmx=True).get_data(as_text=True)
    assert "<html" not in review and review.lstrip().startswith('<section id="batch">')
    resp = client.post(URL, data={**_fields(review), "control_total": "100.000", "step": "confirm"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].endswith("#bulk") and _openings() == 2


def test_a_pig_opened_meanwhile_refuses_the_whole_batch(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    data = _fill(_fields(_entry(client, unit)), pigs[:2], ["100.000", "50.000"])
    review = client.post(URL, data={**data, "step": "review"}).get_data(as_text=True)
    make_opening(pigs[1])  # someone else, on another phone
    resp = client.post(URL, data={**_fields(review), "control_total": "150.000", "step": "confirm"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and f'id="p{pigs[1].id}-err"' in body and "Chưa lưu dòng nào" in body
    assert _openings() == 2  # the fixture's and the other phone's


def test_no_filled_row_is_refused_on_the_entry_page(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    resp = client.post(URL, data={**_fill(_fields(_entry(client, unit)), [], []), "step": "review"})
    assert resp.status_code == 422 and "Chưa có dòng nào được nhập số tiền." in resp.get_data(as_text=True)


def test_more_pigs_than_one_page_holds_take_the_first_and_say_so(as_user, world, school, monkeypatch):
    unit, pigs = school
    monkeypatch.setattr(batch, "MAX_ROWS", 2)
    body = _entry(as_user(world.users["clerk"]), unit)
    assert len(re.findall(r'name="p\d+-amount"', body)) == 2 and "2 heo đầu trong 3 heo đã chọn" in body


def test_sheet_entry_goes_back_to_the_units_list(as_user, world, school):
    unit, pigs = school
    client = as_user(world.users["clerk"])
    body = client.get(f"{URL}?don_vi={unit.id}").get_data(as_text=True)
    assert f'name="f.don_vi" value="{unit.id}"' in body and "phiếu mổ heo</a>" in body
    data = _fill(_fields(body), pigs[:1], ["100.000"])
    review = client.post(URL, data={**data, "step": "review"}).get_data(as_text=True)
    done = client.post(URL, data={**_fields(review), "control_total": "100.000", "step": "confirm"})
    assert done.headers["Location"].endswith(f"/heo-dat/?don_vi={unit.id}#bulk") and _openings() == 2
