"""Goods pages, plainly and through htmx: stock, register, hand-out, entry, void, exports."""
import re
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.goods import services as goods
from app.goods.models import GoodsEntry
from tests.factories_goods import goods_world, hand_out, receive


def _count():
    return db.session.scalar(select(func.count()).select_from(GoodsEntry))


def _key(html):
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1)


def test_stock_page_shows_each_figure_with_a_link_to_the_rows_that_make_it(world, as_user):
    g = goods_world(world)  # 50 notebooks in, 10 out, in each commune
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        resp = client.get("/hien-vat/", htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and ("<html" in html) != htmx and 'id="stock"' in html
        assert 'data-label="Còn lại"' in html and 'data-label="Đã nhận"' in html
        assert world.other_commune.name not in html  # scope
    html = client.get("/hien-vat/").get_data(as_text=True)
    links = dict(re.findall(r'data-label="(Đã nhận|Đã xuất|Còn lại)"><a href="([^"]+)"', html))
    assert set(links) == {"Đã nhận", "Đã xuất", "Còn lại"}
    # Each figure's link opens register rows that add up to it.
    for label, expected in (("Đã nhận", "50"), ("Đã xuất", "10")):
        page = client.get(links[label].replace("&amp;", "&")).get_data(as_text=True)
        assert f"<strong>{expected}</strong> quyển" in page
    page = client.get(links["Còn lại"].replace("&amp;", "&")).get_data(as_text=True)
    assert "Còn lại: <strong>40</strong> quyển" in page
    assert f'href="/hien-vat/{g.own_in.id}"' in page and f'href="/hien-vat/{g.own_out.id}"' in page
    assert f'href="/hien-vat/{g.other_in.id}"' not in page


def test_register_filters_pages_and_exports(world, as_user):
    goods_world(world)
    receive(world.commune, 3, 3_000_000, item="xe đạp", item_unit="chiếc", giver="Bà Lâm Thị Kim Cúc")
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        resp = client.get("/hien-vat/so?huong=in&hang=xe+dap", htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and "Bà Lâm Thị Kim Cúc" in html and "Trường Tiểu học" not in html
        assert 'data-label="Số phiếu"' in html and ("<html" in html) != htmx
    xlsx = client.get("/hien-vat/so/xuat.xlsx?hang=xe+dap")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    csv = client.get("/hien-vat/so/xuat.xlsx?format=csv&huong=out").get_data(as_text=True)
    assert "XK-2026-0001" in csv and "GN-2026" not in csv and "Phát vở" in csv
    stock_csv = client.get("/hien-vat/ton-kho.xlsx?format=csv").get_data(as_text=True)
    assert "xe đạp" in stock_csv and world.other_commune.name not in stock_csv


def test_hand_out_form_refuses_more_than_on_hand_beside_the_quantity_and_keeps_the_input(world, as_user):
    stock = receive(world.commune, 5, 50_000)
    client = as_user(world.users["treasurer"])
    html = client.get("/hien-vat/xuat").get_data(as_text=True)
    assert "vở (còn 5 quyển)" in html
    data = {"idem_key": _key(html), "stock_id": stock.id, "quantity": "6", "entry_date": "2026-09-20",
            "recipient": "Em Nguyễn Văn Út", "purpose": "Phát vở đầu năm"}
    for htmx in (True, False):
        resp = client.post("/hien-vat/xuat", data=data, htmx=htmx)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422 and 'id="quantity-err"' in body and "Không đủ hiện vật" in body
        assert 'value="Em Nguyễn Văn Út"' in body and ("<html" in body) != htmx
    assert _count() == 1
    data["quantity"] = "2,5"
    first = client.post("/hien-vat/xuat", data=data)
    again = client.post("/hien-vat/xuat", data=data)  # a double submit: one record
    assert first.status_code == 303 and again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert _count() == 2 and goods.on_hand(world.commune, "vo", "quyển") == Decimal("2.5")
    out = db.session.scalars(select(GoodsEntry).where(GoodsEntry.direction == "out")).one()
    assert out.number == "XK-2026-0001" and out.value == 25_000 and out.source == "issue"
    htmx = client.post("/hien-vat/xuat", data={**data, "idem_key": uuid.uuid4().hex, "quantity": "1"}, htmx=True)
    assert htmx.status_code == 200 and htmx.headers.get("HX-Redirect")


def test_hand_out_from_another_units_stock_is_not_found(world, as_user):
    other = receive(world.other_commune, 5, 50_000)
    client = as_user(world.users["treasurer"])
    resp = client.post("/hien-vat/xuat", data={"idem_key": uuid.uuid4().hex, "stock_id": other.id, "quantity": "1",
                                               "entry_date": "2026-09-20", "recipient": "X", "purpose": "Y"})
    assert resp.status_code in (404, 422) and goods.on_hand(world.other_commune, "vo", "quyển") == 5


def test_entry_page_and_void_of_a_hand_out(world, as_user):
    g = goods_world(world)
    client = as_user(world.users["treasurer"])
    for htmx in (False, True):
        html = client.get(f"/hien-vat/{g.own_out.id}", htmx=htmx).get_data(as_text=True)
        assert g.own_out.number in html and f"/hien-vat/{g.own_out.id}/huy" in html
    assert "Hủy khoản này" not in html
    assert "Hủy phiếu" in client.get(f"/hien-vat/{g.own_out.id}/huy").get_data(as_text=True)
    refused = client.post(f"/hien-vat/{g.own_out.id}/huy", data={"reason": ""}, htmx=True)
    assert refused.status_code == 422 and _count() == 4
    resp = client.post(f"/hien-vat/{g.own_out.id}/huy", data={"reason": "Phát nhầm người"})
    assert resp.status_code == 303 and goods.is_reversed(g.own_out)
    assert goods.on_hand(world.commune, "vo", "quyển") == 50
    html = client.get(f"/hien-vat/{g.own_out.id}").get_data(as_text=True)
    assert "Đã hủy" in html and "Phát nhầm người" in html and f"/hien-vat/{g.own_out.id}/huy" not in html
    again = client.post(f"/hien-vat/{g.own_out.id}/huy", data={"reason": "Lần nữa"})
    assert again.status_code == 303 and _count() == 5


def test_a_donations_goods_entry_is_voided_from_the_donation_page(world, as_user):
    g = goods_world(world)
    client = as_user(world.users["treasurer"])
    html = client.get(f"/hien-vat/{g.own_in.id}").get_data(as_text=True)
    assert f"/quyen-gop/{g.own_gift.id}" in html and f"/hien-vat/{g.own_in.id}/huy" not in html
    page = client.get(f"/hien-vat/{g.own_in.id}/huy").get_data(as_text=True)
    assert "Hãy hủy từ trang của khoản đóng góp" in page and f"/quyen-gop/{g.own_gift.id}" in page
    resp = client.post(f"/hien-vat/{g.own_in.id}/huy", data={"reason": "Thử"})
    assert resp.status_code == 303 and not goods.is_reversed(g.own_in)


def test_menu_has_hien_vat_and_clerks_see_no_hand_out_button(world, as_user):
    goods_world(world)
    html = as_user(world.users["clerk"]).get("/hien-vat/").get_data(as_text=True)
    # The menu entry, marked as the current section on its own page.
    assert '<a href="/hien-vat/" aria-current="page">Hiện vật</a>' in html and "/hien-vat/xuat" not in html
    assert as_user(world.users["clerk"]).get("/hien-vat/xuat").status_code == 403


def test_donation_pages_name_the_goods_paper_for_gifts_in_kind_and_the_receipt_for_money(world, as_user):
    from tests.factories_donations import make_donation

    g = goods_world(world)
    cash = make_donation(g.own_campaign, 100_000)
    client = as_user(world.users["viewer"])
    html = client.get(f"/quyen-gop/{g.own_gift.id}").get_data(as_text=True)
    assert "Số biên bản giao nhận" in html and g.own_in.number in html and "In biên bản giao nhận" in html
    assert "In phiếu thu" not in html
    html = client.get(f"/quyen-gop/{cash.id}").get_data(as_text=True)
    assert "In phiếu thu" in html and f"/quy/but-toan/{cash.entry_id}/phieu.pdf" in html
    listing = client.get("/quyen-gop/").get_data(as_text=True)
    assert g.own_in.number in listing and cash.entry.number in listing
