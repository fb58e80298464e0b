"""Issue 19 C: the member cards page, the print POST and one member's card, through the app.

The page works as a plain page and as htmx's fragment, and without JavaScript (a GET form for the
choice, a real POST form for the print); a few cards answer the PDF inline, many a background job;
scope: another commune's member is 404, a ticked id from another commune refused (never widened to
everyone); a viewer is refused (403); bad input answers 422 beside the field with the input kept.
"""
import re
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.members import cards
from app.printing.models import PrintJob
from tests.factories_members import end_member, make_member, make_members
from tests.printing.test_inline import INLINE

URL = "/hoi-vien/the/"
PRINT = "/hoi-vien/the/in"


def _card(member_id) -> str:
    return f"/hoi-vien/{member_id}/the.pdf"


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


needs_poppler = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils are needed")


@pytest.fixture
def clerk(world, as_user):
    return as_user(world.users["clerk"])


def _jobs() -> int:
    return db.session.scalar(select(func.count()).select_from(PrintJob))


# ---- the page -------------------------------------------------------------------------------------------

def test_the_page_shows_the_count_the_first_sheet_and_both_forms_without_javascript(clerk, world):
    make_members(world.branch, 12)
    left = make_member(world.branch, "Trần Văn Đã Ra")
    end_member(left)
    body = clerk.get(URL).get_data(as_text=True)
    assert "<html" in body and "In thẻ hội viên" in body
    assert "In 12 thẻ (2 tờ A4)" in body  # the active members only (the one who left is not counted)
    assert body.count('class="mcard"') == 10  # the first sheet
    assert "Trần Văn Đã Ra" not in body and "Nguyễn Văn An" in body  # control: a name of the sheet is shown
    # Without JavaScript: the choice is a GET form with a button, the print a POST form with its token.
    choice = re.search(r'<form method="get" action="/hoi-vien/the/"[^>]*>(.*?)</form>', body, re.S).group(1)
    assert 'name="nam"' in choice and '<button type="submit">Xem trước</button>' in choice
    assert '<label for="nam">Năm cấp thẻ</label>' in choice
    post = re.search(r'<form method="post" action="/hoi-vien/the/in"[^>]*>(.*?)</form>', body, re.S).group(1)
    assert 'name="csrf_token"' in post and f'name="don_vi" value="{world.commune.id}"' in post
    assert "hx-" not in re.search(r'<form method="post" action="/hoi-vien/the/in"[^>]*>', body).group(0)
    assert " style=" not in body.split('<div class="mc-preview"', 1)[1]  # no inline style (the CSP)


def test_htmx_gets_the_fragment_only(clerk, world):
    make_members(world.branch, 3)
    resp = clerk.get(f"{URL}?don_vi={world.branch.id}&nam=2027", htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in body and body.lstrip().startswith("<section id=\"member-cards\"")
    assert "In 3 thẻ (1 tờ A4)" in body and body.count("Cấp năm: <b>2027</b>") == 3


def test_ticked_members_get_cards_and_only_they(clerk, world):
    ids = make_members(world.branch, 5)
    body = clerk.get(f"{URL}?id={ids[0]}&id={ids[3]}&id={ids[0]}").get_data(as_text=True)
    assert "In 2 thẻ (1 tờ A4)" in body and body.count('class="mcard"') == 2
    assert body.count(f'name="id" value="{ids[0]}"') == 2  # once in the choice, once in the print form


def test_a_bad_year_answers_422_beside_the_field_with_the_input_kept(clerk, world):
    make_members(world.branch, 2)
    for value, message in (("1999", "từ năm 2000"), ("3000", "không quá năm"), ("abc", "")):
        resp = clerk.get(f"{URL}?nam={value}")
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422, value
        assert f'value="{value}"' in body and 'id="nam-err"' in body and message in body
        assert 'class="mcard"' not in body and 'action="/hoi-vien/the/in"' not in body


def test_a_unit_without_active_members_says_so(clerk, world):
    end_member(make_member(world.branch, "Lê Văn Cũ"))
    resp = clerk.get(f"{URL}?don_vi={world.branch.id}")
    assert resp.status_code == 422 and "chưa có hội viên đang sinh hoạt" in resp.get_data(as_text=True)


def test_a_ticked_member_who_left_is_refused_by_name(clerk, world):
    keep = make_member(world.branch, "Phạm Thị Còn")
    gone = end_member(make_member(world.branch, "Võ Văn Đã Đi"))
    resp = clerk.get(f"{URL}?id={keep.id}&id={gone.id}")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Võ Văn Đã Đi" in body and "ra khỏi hội" in body
    assert clerk.get(f"{URL}?id={keep.id}").status_code == 200  # control


# ---- who may, and where -----------------------------------------------------------------------------------

def test_a_viewer_is_refused(world, as_user):
    make_members(world.branch, 1)
    member = make_member(world.branch, "Lê Thị Xem")
    viewer = as_user(world.users["viewer"])
    assert viewer.get(URL).status_code == 403
    assert viewer.post(PRINT, data={"don_vi": world.commune.id, "nam": 2026}).status_code == 403
    assert viewer.get(_card(member.id)).status_code == 403


def test_another_communes_unit_and_member_are_404(clerk, world):
    other = make_member(world.other_branch, "Đỗ Văn Ngoài")
    own = make_member(world.branch, "Đỗ Văn Trong")
    assert clerk.get(f"{URL}?don_vi={world.other_commune.id}").status_code == 404
    assert clerk.get(_card(other.id)).status_code == 404
    assert clerk.get(_card(own.id)).status_code == 200  # control


def test_a_ticked_id_from_another_commune_is_refused_never_widened_to_all(clerk, world):
    own = make_members(world.branch, 3)
    other = make_member(world.other_branch, "Đỗ Văn Ngoài")
    for url in (f"{URL}?id={own[0]}&id={other.id}", f"{URL}?id={other.id}", f"{URL}?id=abc", f"{URL}?id=0",
                f"{URL}?id={2 ** 40}"):
        assert clerk.get(url).status_code == 404, url
    before = _jobs()
    resp = clerk.post(PRINT, data={"don_vi": world.commune.id, "nam": 2026, "id": [own[0], other.id]})
    assert resp.status_code == 404 and resp.mimetype != "application/pdf" and _jobs() == before
    assert clerk.get(f"{URL}?id={own[0]}").status_code == 200  # control


def test_a_branch_user_prints_only_its_own_branch(world, as_user):
    make_member(world.branch, "Bùi Văn Chi Hội")
    top = make_member(world.commune, "Bùi Văn Cấp Xã")
    branch = as_user(world.branch_user)
    body = branch.get(URL).get_data(as_text=True)
    assert "In 1 thẻ (1 tờ A4)" in body and "Bùi Văn Chi Hội" in body
    assert branch.get(f"{URL}?id={top.id}").status_code == 404
    assert branch.get(f"{URL}?don_vi={world.commune.id}").status_code == 404


# ---- printing ------------------------------------------------------------------------------------------------

@needs_poppler
def test_a_few_cards_print_at_once_inline_with_a_file_name(clerk, world, tmp_path):
    make_members(world.branch, 11)
    resp = clerk.post(PRINT, data={"don_vi": world.branch.id, "nam": 2026})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert INLINE.match(resp.headers["Content-Disposition"]), resp.headers["Content-Disposition"]
    assert "Th%E1%BA%BB%20h%E1%BB%99i%20vi%C3%AAn" in resp.headers["Content-Disposition"]  # "Thẻ hội viên"
    assert _pages(resp.data, tmp_path) == 2


def test_many_cards_go_to_a_background_job_and_its_file_opens(clerk, world, app):
    make_members(world.branch, cards.DIRECT_MAX + 1)
    resp = clerk.post(PRINT, data={"don_vi": world.branch.id, "nam": 2026})
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = db.session.scalars(select(PrintJob)).one()
    assert job.kind == cards.KIND and job.status == "done", (job.status, job.error)  # the tests' queue runs at once
    assert job.params["unit_id"] == world.branch.id and job.params["ids"] == [] and job.params["year"] == 2026
    assert job.pages == -(-(cards.DIRECT_MAX + 1) // 10)
    pdf = clerk.get(f"/in-an/{job.id}/tai-ve")
    assert pdf.mimetype == "application/pdf" and INLINE.match(pdf.headers["Content-Disposition"])
    # A second press is the same job (a double submit prints once); htmx is sent to the progress page.
    again = clerk.post(PRINT, data={"don_vi": world.branch.id, "nam": 2026}, htmx=True)
    assert again.headers.get("HX-Redirect", "").startswith("/in-an/")


def test_the_print_form_keeps_a_bad_year_and_answers_422(clerk, world):
    make_members(world.branch, 2)
    resp = clerk.post(PRINT, data={"don_vi": world.branch.id, "nam": "20x6"})
    assert resp.status_code == 422 and 'value="20x6"' in resp.get_data(as_text=True)


def test_the_print_needs_its_csrf_token(clerk, world):
    make_members(world.branch, 2)
    assert clerk.post(PRINT, data={"don_vi": world.branch.id, "nam": 2026}, csrf=False).status_code == 400


@needs_poppler
def test_one_members_card_is_a_one_page_inline_pdf_and_a_member_who_left_gets_none(clerk, world, tmp_path):
    m = make_member(world.branch, "Hoàng Thị Một Mình")
    resp = clerk.get(_card(m.id))
    assert resp.mimetype == "application/pdf" and INLINE.match(resp.headers["Content-Disposition"])
    assert _pages(resp.data, tmp_path) == 1
    end_member(m)
    gone = clerk.get(_card(m.id))
    assert gone.status_code == 303 and gone.headers["Location"].endswith(f"/hoi-vien/{m.id}")
    assert clerk.get(f"{_card(m.id)}?nam=1999").status_code == 404


def test_too_many_cards_at_once_are_refused_before_any_is_read(clerk, world, monkeypatch):
    make_members(world.branch, 4)
    monkeypatch.setattr(cards, "MAX_CARDS", 3)
    resp = clerk.get(URL)
    assert resp.status_code == 422 and "Mỗi lần in tối đa 3 thẻ; đơn vị này có 4 hội viên" in resp.get_data(as_text=True)
    assert clerk.post(PRINT, data={"don_vi": world.commune.id, "nam": 2026}).status_code == 422
    monkeypatch.setattr(cards, "MAX_CARDS", 4)
    assert clerk.get(URL).status_code == 200  # control: at the limit it prints


def test_a_chi_hois_members_can_be_ticked_on_the_page_itself_without_javascript(clerk, world, monkeypatch):
    ids = make_members(world.branch, 4)
    body = clerk.get(f"{URL}?don_vi={world.branch.id}").get_data(as_text=True)
    pick = re.search(r'<details class="mc-pick">.*?</details>', body, re.S).group(0)
    assert '<form method="get" action="/hoi-vien/the/"' in pick and pick.count('type="checkbox" name="id"') == 4
    assert "<legend>Đánh dấu những người cần in thẻ</legend>" in pick
    # Ticking two sends their ids with the unit and the year: the page then prints those two, the unit fixed.
    body = clerk.get(f"{URL}?don_vi={world.branch.id}&nam=2026&id={ids[1]}&id={ids[2]}").get_data(as_text=True)
    assert "In 2 thẻ (1 tờ A4)" in body and 'class="mc-pick"' not in body and '<select id="don_vi"' not in body
    # Too many to list (a commune's thousands): no tick boxes, the unit chooser is the way.
    monkeypatch.setattr(cards, "PICK_MAX", 3)
    assert 'class="mc-pick"' not in clerk.get(f"{URL}?don_vi={world.branch.id}").get_data(as_text=True)
