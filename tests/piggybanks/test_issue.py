"""Issuing pigs (many at once, all or nothing), the list, filters, export and the pig page."""
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.piggybanks.models import PiggyBank
from tests.factories_piggybanks import make_pig, make_pigs

CLASS_LIST = "1. Nguyễn Văn An\n2. Trần Thị Bình\n\n3. Lê Ngọc Ẩn\n"


def _issue(client, world, names=CLASS_LIST, **extra):
    data = {"unit_id": world.branch.id, "holder_type": "pupil", "names": names, "prefix": "lv-tl",
            "issued_on": "2026-09-05", "seed_money": "10.000", "campaign_id": "0",
            "idem_key": "a" * 32, **extra}
    return client.post("/heo-dat/cap-moi", data=data)


def _count():
    return db.session.scalar(select(func.count()).select_from(PiggyBank))


def test_form_page_and_fragment(as_user, world):
    client = as_user(world.users["clerk"])
    page = client.get("/heo-dat/cap-moi")
    assert page.status_code == 200 and "Cấp heo đất" in page.get_data(as_text=True)
    frag = client.get("/heo-dat/cap-moi", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="issue-form"' in frag


def test_issue_many_gives_one_pig_per_line_with_consecutive_codes(as_user, world):
    resp = _issue(as_user(world.users["clerk"]), world)
    assert resp.status_code == 303
    pigs = db.session.scalars(select(PiggyBank).order_by(PiggyBank.code)).all()
    assert [(p.code, p.holder_name) for p in pigs] == [
        ("LV-TL-001", "Nguyễn Văn An"), ("LV-TL-002", "Trần Thị Bình"), ("LV-TL-003", "Lê Ngọc Ẩn")]
    assert all(p.seed_money == 10_000 and p.cycle == 1 and p.status == "active" for p in pigs)
    assert pigs[2].search_key.endswith("le ngoc an")


def test_next_issue_continues_the_numbering(as_user, world):
    client = as_user(world.users["clerk"])
    _issue(client, world)
    assert _issue(client, world, names="Phạm Thị Dung", idem_key="b" * 32).status_code == 303
    assert db.session.scalar(select(PiggyBank.code).where(PiggyBank.holder_name == "Phạm Thị Dung")) == "LV-TL-004"


def test_a_bad_line_writes_nothing_and_says_which(as_user, world):
    resp = _issue(as_user(world.users["clerk"]), world, names="Nguyễn Văn An\nTrần Thị Bình\nnguyen van an")
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "Dòng 3" in body and "trùng với dòng 1" in body and "nguyen van an" in body
    assert _count() == 0


def test_codes_already_taken_are_refused(as_user, world):
    make_pigs(world.branch, ["Hộ ông Sáu"], prefix="LV-TL")
    resp = _issue(as_user(world.users["clerk"]), world, start="1")
    assert resp.status_code == 422 and "LV-TL-001" in resp.get_data(as_text=True)
    assert _count() == 1


def test_holder_with_an_active_pig_is_refused(as_user, world):
    make_pigs(world.branch, ["Nguyễn Văn An"], holder_type="pupil", prefix="X")
    resp = _issue(as_user(world.users["clerk"]), world)
    assert resp.status_code == 422 and "đang nuôi một heo đất" in resp.get_data(as_text=True)
    assert _count() == 1


def test_double_submit_issues_once(as_user, world):
    client = as_user(world.users["clerk"])
    assert _issue(client, world).status_code == 303
    assert _issue(client, world).status_code == 303
    assert _count() == 3


def test_htmx_issue_redirects_with_hx_redirect(as_user, world):
    client = as_user(world.users["clerk"])
    data = {"unit_id": world.branch.id, "holder_type": "class", "names": "Lớp 6A1", "prefix": "LV",
            "issued_on": "2026-09-05", "seed_money": "", "campaign_id": "0", "idem_key": "c" * 32}
    resp = client.post("/heo-dat/cap-moi", data=data, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].startswith("/heo-dat/")


def test_list_filters_and_search_without_diacritics(as_user, world):
    make_pigs(world.branch, ["Trần Thị Bình", "Lê Văn Cường"], holder_type="pupil", prefix="A")
    make_pig(world.other_branch, "Trần Thị Bình Khác")
    client = as_user(world.users["viewer"])
    body = client.get("/heo-dat/?q=tran+thi+binh").get_data(as_text=True)
    assert "Trần Thị Bình" in body and "Lê Văn Cường" not in body and "Khác" not in body
    frag = client.get("/heo-dat/?loai=pupil&trang_thai=active", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "Lê Văn Cường" in frag
    assert "Lê Văn Cường" not in client.get("/heo-dat/?loai=household").get_data(as_text=True)


def test_export_holds_the_filtered_pigs(as_user, world):
    make_pigs(world.branch, ["=Hộ Lạ", "Lê Văn Cường"], prefix="A")
    resp = as_user(world.users["viewer"]).get("/heo-dat/xuat.xlsx?q=cuong")
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Mã heo" and len(rows) == 2 and rows[1][1] == "Lê Văn Cường"


def test_pig_page_shows_history(as_user, world):
    pig = make_pig(world.branch, "Hộ ông Nguyễn Văn Tư")
    client = as_user(world.users["viewer"])
    body = client.get(f"/heo-dat/{pig.id}").get_data(as_text=True)
    assert "Hộ ông Nguyễn Văn Tư" in body and "Lứa 1" in body and "Mổ heo</a>" not in body
