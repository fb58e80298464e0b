"""Issue 14 (7): issuing pigs refuses a repeated name only when it is the same name with its diacritics."""
from sqlalchemy import select

from app.extensions import db
from app.piggybanks.models import PiggyBank
from tests.factories_piggybanks import make_pigs
from tests.piggybanks.test_issue import _count, _issue


def test_names_that_differ_by_their_marks_each_get_a_pig(as_user, world):
    make_pigs(world.branch, ["Trần Thị Hạ"], holder_type="pupil", prefix="X")
    resp = _issue(as_user(world.users["clerk"]), world, names="Lê Văn Ân\nLê Văn Ẩn\nTrần Thị Hà\nPhạm Thành Đức\nPhạm Đức")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    assert _count() == 6
    assert {"Lê Văn Ân", "Lê Văn Ẩn", "Trần Thị Hà"} <= set(db.session.scalars(select(PiggyBank.holder_name)))


def test_the_same_name_typed_twice_is_still_refused(as_user, world):
    make_pigs(world.branch, ["Trần Thị Hạ"], holder_type="pupil", prefix="X")
    resp = _issue(as_user(world.users["clerk"]), world, names="Lê Văn Ân\nlê  văn ân\ntrần thị hạ")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Dòng 2" in body and "trùng với dòng 1" in body
    assert "đang nuôi một heo đất" in body and _count() == 1
