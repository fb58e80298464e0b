"""Donations import (issue 14 D, 7): Excel's numeric phones keep their 0, the list page offers the import,
the preview shows goods, and donors with the same phone but another name (Ân / Ẩn) stay two people."""
import io
import uuid
from datetime import date

from sqlalchemy import select

from app.donations.donors import Donor
from app.extensions import db
from tests.factories_donations import gifts_xlsx, make_campaign


def _gift(name, phone, amount=100000, method="Tiền mặt", item="", qty="", unit=""):
    return [date(2026, 9, 5), name, "Cá nhân", "Ấp Tân Lộc", phone, amount, method, item, "Tháng Khuyến học 2026",
            "", "", qty, unit]


def test_phones_keep_their_zero_and_namesakes_by_fold_stay_apart(world, as_user):
    make_campaign(world.commune, "Tháng Khuyến học 2026")
    db.session.commit()
    client = as_user(world.users["clerk"])
    assert "/quyen-gop/nhap-excel" in client.get("/quyen-gop/").get_data(as_text=True)
    data = gifts_xlsx([_gift("Lê Văn Ân", 912345678), _gift("Lê Văn Ẩn", 912345678.0),  # one phone, two people
                  _gift("Lê Văn Ân", "0912345678"),  # the same person again
                  _gift("Trần Thị Mai", 12345),
                  _gift("Phạm Văn Tư", 386123456, 300000, "Hiện vật", "Vở học sinh", 100, "quyển")])
    resp = client.post("/quyen-gop/nhap-excel", data={"idem_key": uuid.uuid4().hex, "file": (io.BytesIO(data), "x.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 303
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert page.count(">0912345678<") == 3 and ">0386123456<" in page
    assert "“12345” không giống số Việt Nam" in page
    assert "Vở học sinh (100 quyển)" in page and "1 khoản hiện vật" in page
    assert 'data-label="Hiện vật"' in page and "tổng 700.000 đ" in page
    assert client.post(url, data={"idem_key": uuid.uuid4().hex}).status_code == 303
    donors = {d.name: d for d in db.session.scalars(select(Donor))}
    assert donors["Lê Văn Ân"].id != donors["Lê Văn Ẩn"].id
    assert donors["Lê Văn Ân"].phone == "0912345678" and donors["Trần Thị Mai"].phone == "12345"
    assert len(donors) == 4  # the second "Lê Văn Ân" found the first
