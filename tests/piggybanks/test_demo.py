"""The demo piggy banks load through the services and look like a real commune's."""
from sqlalchemy import select

from app.extensions import db
from app.piggybanks import demo, queries
from app.piggybanks.models import PiggyBank
from tests.factories import make_unit


def test_demo_seed(app):
    province = make_unit(None, "Hội Khuyến học tỉnh Đồng Tháp", "province")
    lai_vung = make_unit(province, "Hội Khuyến học xã Lai Vung", "commune")
    phong_hoa = make_unit(province, "Hội Khuyến học xã Phong Hòa", "commune")
    units = {"province": province, "lai_vung": lai_vung, "phong_hoa": phong_hoa,
             "tan_loc": make_unit(lai_vung, "Chi hội ấp Tân Lộc", "village"),
             "hoa_binh": make_unit(lai_vung, "Chi hội ấp Hòa Bình", "village"),
             "thcs_lai_vung": make_unit(lai_vung, "Ban Khuyến học Trường THCS Lai Vung", "school"),
             "dong_ho_nguyen": make_unit(phong_hoa, "Chi hội dòng họ Nguyễn Văn", "clan")}
    demo.seed(units)
    db.session.commit()
    pigs = db.session.scalars(select(PiggyBank)).all()
    assert 36 <= len(pigs) <= 45
    assert {p.cycle for p in pigs} == {1, 2} and {p.status for p in pigs} == {"active", "opened"}
    totals = queries.opening_totals(province)
    assert totals["openings"] >= 30 and totals["kept"] > 0 and totals["to_fund"] > totals["kept"]
    assert 150_000 * totals["openings"] <= totals["counted"] <= 2_700_000 * totals["openings"]
