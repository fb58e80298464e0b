"""The decision page shows its list 40 names at a time, numbered as printed, warnings found on all."""
import re

import pytest

from app.commendations import services
from app.extensions import db
from tests.factories_commendations import add, make_decision



def _name(i: int) -> str:
    # Distinct given names that sort in the order of i (Vietnamese order: given name first).
    return f"Lê Văn A{i:03d}"


@pytest.fixture
def long_decision(world):
    d = make_decision(world.commune, number="9/QĐ-HKH")
    for i in range(1, 121):
        add(d, _name(i), commit=False)
    add(d, "Lê Văn A005", commit=False)  # a second A005: both rows carry the same-name warning
    db.session.commit()
    return d


def _numbers(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num" data-label="STT">(\d+)</td>', body)]


def test_pages_of_forty_numbered_as_in_the_printed_list(world, as_user, long_decision):
    client = as_user(world.users["admin"])
    url = f"/khen-thuong/quyet-dinh/{long_decision.id}"
    order = [h.full_name for h in services.honorees(long_decision)]

    first = client.get(url).get_data(as_text=True)
    assert _numbers(first) == list(range(1, 41))
    assert "Trang 1 / 4 · 121 dòng" in first
    assert order[0] in first and order[40] not in first
    assert "Danh sách kèm theo: 121 cá nhân" in first

    last = client.get(url + "?trang=4", htmx=True)
    body = last.get_data(as_text=True)
    assert last.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="honorees">')
    assert _numbers(body) == list(range(121, 122))
    assert order[120] in body and order[119] not in body


def test_warnings_are_found_across_pages_and_can_be_listed_alone(world, as_user, long_decision):
    client = as_user(world.users["admin"])
    url = f"/khen-thuong/quyet-dinh/{long_decision.id}"
    first = client.get(url).get_data(as_text=True)
    # The two A005 rows: one sorts onto page 1, the warning count covers the whole list.
    assert "Trùng tên với 1 người khác trong danh sách." in first
    warned = re.search(r"(\d+) dòng có cảnh báo", first)
    assert warned and int(warned.group(1)) >= 2

    only = client.get(url + "?canh_bao=1", htmx=True).get_data(as_text=True)
    numbers = _numbers(only)
    assert len(numbers) == int(warned.group(1)) and numbers == sorted(numbers)
    assert only.count("Lê Văn A005") >= 2
    assert "Lê Văn A077" not in only
    assert "Xem cả danh sách" in only


def test_a_short_list_has_no_pager(world, as_user):
    d = make_decision(world.commune)
    add(d, "Nguyễn Thị Đào")
    body = as_user(world.users["admin"]).get(f"/khen-thuong/quyet-dinh/{d.id}").get_data(as_text=True)
    assert _numbers(body) == [1] and 'class="pager"' not in body and "cảnh báo" not in body
