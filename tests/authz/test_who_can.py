"""A page whose main action the user may not take says who can, and an admin sees how to grant it."""
import pytest
from flask import url_for

from tests.factories import make_user

GRANT = "Cấp thêm vai trò cho một người dùng"
DONATIONS = "Thủ quỹ / kế toán hoặc cán bộ nhập liệu ghi nhận đóng góp."


def _get(app, client, endpoint, htmx=False, **args):
    with app.test_request_context():
        url = url_for(endpoint, **args)
    resp = client.get(url, htmx=htmx)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def test_admin_is_told_who_records_gifts_and_how_to_grant_it(app, as_user, world):
    body = _get(app, as_user(world.users["admin"]), "donations.index")
    assert DONATIONS in body and GRANT in body and "+ Ghi đóng góp" not in body
    assert 'href="/nguoi-dung/"' in body


def test_viewer_is_told_who_but_not_how_to_grant(app, as_user, world):
    body = _get(app, as_user(world.users["viewer"]), "donations.index")
    assert DONATIONS in body and GRANT not in body


@pytest.mark.parametrize("roles", [["clerk"], ["admin", "treasurer"]])
def test_a_user_who_may_act_sees_the_button_and_no_notice(app, as_user, world, roles):
    body = _get(app, as_user(make_user(world.commune, roles=roles)), "donations.index")
    assert "+ Ghi đóng góp" in body and 'class="who-can"' not in body


@pytest.mark.parametrize("endpoint,sentence", [
    ("campaigns.index", "Quản trị viên hoặc thủ quỹ / kế toán tạo đợt vận động."),
    ("piggybanks.index", "Thủ quỹ / kế toán hoặc cán bộ nhập liệu cấp heo đất"),
    ("goods.index", "Thủ quỹ / kế toán xuất hiện vật."),
    ("goods.register", "Thủ quỹ / kế toán xuất hiện vật."),
    ("funds.index", "Thủ quỹ / kế toán thêm quỹ"),
    ("scholarships.index", "Quản trị viên hoặc thủ quỹ / kế toán tạo đợt học bổng."),
    ("commendations.index", "lập quyết định khen thưởng."),
    ("units.index", "Quản trị viên thêm đơn vị."),
    ("pupils.index", "thêm học sinh"),
    ("periods.index", "Quản trị viên hoặc thủ quỹ / kế toán khóa sổ."),
])
def test_list_pages_name_who_can_for_a_viewer(app, as_user, world, endpoint, sentence):
    client = as_user(world.users["viewer"])
    assert sentence in _get(app, client, endpoint)


def test_the_notice_is_in_the_htmx_page_too(app, as_user, world):
    # The list's fragment is swapped below the head; the full page (no HX-Request) carries the notice.
    body = _get(app, as_user(world.users["admin"]), "goods.index")
    assert "Thủ quỹ / kế toán xuất hiện vật." in body and GRANT in body


def test_round_page_names_who_approves_and_who_pays(app, as_user, world):
    from tests.factories_scholarships import make_round

    rnd = make_round(world.commune)
    treasurer = _get(app, as_user(world.users["treasurer"]), "scholarships.round_detail", round_id=rnd.id)
    assert "Quản trị viên duyệt hoặc không duyệt đề cử." in treasurer
    assert "chi trả học bổng." not in treasurer  # the treasurer pays: the button, no notice
    admin = _get(app, _login(app, world.users["admin"]),
                 "scholarships.round_detail", round_id=rnd.id)
    assert "Thủ quỹ / kế toán chi trả học bổng." in admin and GRANT in admin
    assert "duyệt hoặc không duyệt đề cử." not in admin


def test_pig_page_names_who_opens_it_for_an_admin(app, as_user, world):
    from tests.factories_piggybanks import make_pig

    pig = make_pig(world.branch)
    body = _get(app, as_user(world.users["admin"]), "piggybanks.detail", pig_id=pig.id)
    assert "Thủ quỹ / kế toán hoặc cán bộ nhập liệu mổ heo" in body and GRANT in body
    assert "Mổ heo</a>" not in body


def _login(app, user):
    from tests.conftest import login

    client = app.test_client()
    login(client, user)
    return client


def test_the_403_page_says_who_may_and_an_admin_how_to_grant(app, world):
    with app.test_request_context():
        url = url_for("donations.entry")
    admin = _login(app, world.users["admin"])
    for htmx in (False, True):
        resp = admin.get(url, htmx=htmx)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 403 and ("<html" in body) != htmx
        assert "Việc này dành cho: Thủ quỹ / kế toán hoặc cán bộ nhập liệu." in body and GRANT in body
    viewer = _login(app, world.users["viewer"]).get(url).get_data(as_text=True)
    assert "Việc này dành cho: Thủ quỹ / kế toán hoặc cán bộ nhập liệu." in viewer and GRANT not in viewer
    # A 404 names nobody: out of scope, the record's very existence is not told.
    missing = _login(app, world.users["admin"]).get("/nguoi-dung/999999")
    assert missing.status_code == 404  # the not-found page, not another error
    assert "Việc này dành cho" not in missing.get_data(as_text=True)
