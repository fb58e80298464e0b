"""A province's entry form: its own campaigns and communes, not hundreds of lines."""
import re

from app.donations import entry
from tests.factories import make_user
from tests.factories_donations import make_campaign


def _options(body: str, select_id: str) -> list[str]:
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', body, re.S)
    return re.findall(r'<option[^>]*value="(\d+)"', found.group(1)) if found else []


def test_many_open_campaigns_narrow_to_the_users_own_and_the_picked_one(world, as_user, monkeypatch):
    monkeypatch.setattr(entry, "CAMPAIGN_CHOICES_MAX", 2)
    monkeypatch.setattr(entry, "COLLECTOR_CHOICES_MAX", 3)
    own = make_campaign(world.province, name="Quỹ tỉnh 2026")
    below = [make_campaign(u, name=f"Tháng Khuyến học {i}") for i, u in
             enumerate((world.commune, world.other_commune, world.branch))]
    client = as_user(make_user(world.province, "treasurer", username="thuquy_tinh"))

    body = client.get("/quyen-gop/nhap").get_data(as_text=True)
    assert _options(body, "campaign_id") == [str(own.id)]
    assert "Chỉ liệt kê các đợt của đơn vị mình" in body
    # Collectors: the province and its communes, not the branches below them.
    collectors = _options(body, "collector_unit_id")
    assert set(collectors) == {"0", str(world.province.id), str(world.commune.id), str(world.other_commune.id)}

    # From a commune campaign's page (?dot=) that campaign is offered, and a POST to it is taken.
    picked = client.get(f"/quyen-gop/nhap?dot={below[0].id}").get_data(as_text=True)
    assert set(_options(picked, "campaign_id")) == {str(own.id), str(below[0].id)}
    fragment = client.get("/quyen-gop/nhap", htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and _options(fragment, "campaign_id")


def test_a_small_association_sees_every_campaign_and_branch(world, as_user):
    campaigns = [make_campaign(u) for u in (world.commune, world.branch)]
    body = as_user(world.users["treasurer"]).get("/quyen-gop/nhap").get_data(as_text=True)
    assert set(_options(body, "campaign_id")) == {str(c.id) for c in campaigns}
    assert "Chỉ liệt kê" not in body
    assert str(world.branch.id) in _options(body, "collector_unit_id")


def test_a_province_with_no_campaign_of_its_own_is_told_where_to_go(world, as_user, monkeypatch):
    monkeypatch.setattr(entry, "CAMPAIGN_CHOICES_MAX", 0)
    make_campaign(world.commune)
    body = as_user(make_user(world.province, "treasurer", username="thuquy_tinh")).get("/quyen-gop/nhap").get_data(as_text=True)
    assert "Đơn vị mình chưa có đợt vận động nào đang mở" in body and 'href="/dot-van-dong/' in body
