"""Opening day: the printed sheet, then the batch entry of its counts with a control total."""
import shutil
import subprocess

import pytest
from sqlalchemy import select

from app.extensions import db
from app.funds import services as funds
from app.piggybanks.models import PiggyBankOpening
from tests.factories import make_unit
from tests.factories_piggybanks import make_opening, make_pig, make_pigs

NAMES = ["Hộ ông Đặng Văn Ưng", "Nguyễn Thị Ánh Tuyết", "Lê Ngọc Ẩn", "Trịnh Đức Hưng", "Hồ Xuân Hương",
         "Phạm Văn Đồng", "Huỳnh Thị Mỹ Ỷ", "Võ Thị Ỹ Ợ Ừ Ữ Ự", "Bùi Thị Ẵ Ặ Ễ Ệ"]


def _pdftotext(pdf, tmp_path):
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_sheet_lists_active_pigs_in_order_with_every_diacritic(as_user, world, tmp_path):
    make_pigs(world.branch, NAMES[5:], prefix="B")
    make_pigs(world.branch, NAMES[:5], prefix="A")
    make_pig(world.commune, "Trần Văn Bình", prefix="A")  # same code A-001 in the commune: name decides
    retired = make_pig(world.branch, "Người Đã Ngừng", prefix="C")
    make_opening(retired)
    resp = as_user(world.users["viewer"]).get(f"/heo-dat/phieu-mo-heo.pdf?don_vi={world.commune.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _pdftotext(resp.data, tmp_path)
    for name in NAMES:
        assert name in text, name
    assert "PHIẾU MỔ HEO ĐẤT KHUYẾN HỌC" in text and "Trang 1 / 1" in text and "Tổng cộng" in text
    assert "Người Đã Ngừng" not in text
    # By code; the two A-001 pigs (commune and branch) by given name: Bình before Ưng.
    order = [text.index(n) for n in ["Trần Văn Bình", "Hộ ông Đặng Văn Ưng", "Nguyễn Thị Ánh Tuyết",
                                     "Lê Ngọc Ẩn", "Phạm Văn Đồng"]]
    assert order == sorted(order)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_a_long_sheet_is_a_print_job_and_a_too_long_one_asks_for_a_unit_below(as_user, world, tmp_path,
                                                                                monkeypatch):
    """No web request prints for more than 2 s; no sheet is too big for the print worker's memory."""
    from app.piggybanks import sheet
    from app.printing.models import PrintJob

    make_pigs(world.branch, NAMES[:4], prefix="A")
    make_pigs(world.other_branch, NAMES[4:6], prefix="B")
    client = as_user(world.province_admin)
    monkeypatch.setattr(sheet, "DIRECT_MAX", 3)
    page = client.get(f"/heo-dat/phieu-mo-heo.pdf?don_vi={world.commune.id}")
    assert page.mimetype == "text/html" and "Tài liệu có 4 dòng" in page.get_data(as_text=True)
    resp = client.post(f"/heo-dat/phieu-mo-heo/in-nen?don_vi={world.commune.id}")
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = db.session.get(PrintJob, int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == "done", job.error
    text = _pdftotext(client.get(f"/in-an/{job.id}/tai-ve").data, tmp_path)
    assert all(name in text for name in NAMES[:4]) and NAMES[4] not in text

    monkeypatch.setattr(sheet, "JOB_MAX", 5)  # the province's 6 pigs: pick a commune
    dong = make_unit(world.province, "Hội Khuyến học xã Đông Hòa", "commune").name
    body = client.get(f"/heo-dat/phieu-mo-heo.pdf?don_vi={world.province.id}", htmx=True).get_data(as_text=True)
    assert "<html" not in body and "có 6 heo đang nuôi" in body
    assert f'href="/heo-dat/phieu-mo-heo.pdf?don_vi={world.commune.id}">In phiếu' in body
    # Communes in Vietnamese order (Đ after D, before E), not by code point as SQL sorts "Đ" after "T".
    names = [world.other_commune.name, world.commune.name]
    assert body.index(dong) < body.index(names[0]) < body.index(names[1])
    assert client.post(f"/heo-dat/phieu-mo-heo/in-nen?don_vi={world.province.id}").status_code == 400
    short = client.get(f"/heo-dat/phieu-mo-heo.pdf?don_vi={world.other_commune.id}")
    assert short.mimetype == "application/pdf"


def _row(pig, amount="", disposition="fund", kept="", w1="", w2=""):
    p = f"p{pig.id}-"
    return {p + "amount": amount, p + "disposition": disposition, p + "kept": kept, p + "w1": w1, p + "w2": w2}


def _post(client, world, rows, control_total, key="f" * 32, htmx=False, step="confirm"):
    """The confirmation page's POST (step=confirm) of the unit's sheet, unless `step` says otherwise."""
    data = {"opened_on": "2026-08-20", "control_total": control_total, "witness1": "Trần Văn Bảy",
            "witness2": "Lê Thị Tám", "idem_key": key, "step": step}
    for r in rows:
        data.update(r)
    return client.post(f"/heo-dat/nhap-phieu-mo-heo?don_vi={world.branch.id}", data=data, htmx=htmx)


@pytest.fixture
def three(world):
    return make_pigs(world.branch, ["Hộ ông Ba", "Hộ bà Tư", "Hộ chú Năm"], prefix="LV")


def test_batch_form_lists_the_sheets_pigs(as_user, world, three):
    client = as_user(world.users["clerk"])
    body = client.get(f"/heo-dat/nhap-phieu-mo-heo?don_vi={world.branch.id}").get_data(as_text=True)
    assert all(f'name="p{p.id}-amount"' in body for p in three)
    frag = client.get(f"/heo-dat/nhap-phieu-mo-heo?don_vi={world.branch.id}", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="batch-form"' in frag


def test_wrong_control_total_writes_nothing(as_user, world, three):
    a, b, c = three
    rows = [_row(a, "200.000"), _row(b, "150.000", "kept"), _row(c, "")]
    resp = _post(as_user(world.users["clerk"]), world, rows, "360.000")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Tổng các dòng là 350.000 đ" in body and 'value="150.000"' in body
    assert db.session.scalars(select(PiggyBankOpening)).all() == []
    assert funds.balance(funds.default_fund(world.branch)) == 0


def test_bad_rows_are_marked_and_nothing_is_saved(as_user, world, three):
    a, b, c = three
    rows = [_row(a, "abc"), _row(b, "300.000", "split", "400.000"), _row(c, "100.000")]
    resp = _post(as_user(world.users["clerk"]), world, rows, "400.000", htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in body
    assert f'id="p{a.id}-err"' in body and f'id="p{b.id}-err"' in body and f'id="p{c.id}-err"' not in body
    assert db.session.scalars(select(PiggyBankOpening)).all() == []


def test_matching_batch_saves_every_filled_row(as_user, world, three):
    a, b, c = three
    rows = [_row(a, "200.000"), _row(b, "300.000", "split", "100.000", "Ông Một", "Bà Hai"), _row(c, "")]
    client = as_user(world.users["clerk"])
    assert _post(client, world, rows, "500.000").status_code == 303
    assert _post(client, world, rows, "500.000").status_code == 303  # a resend writes nothing more
    openings = {o.piggy_bank_id: o for o in db.session.scalars(select(PiggyBankOpening))}
    assert set(openings) == {a.id, b.id}
    assert (openings[b.id].to_fund, openings[b.id].kept, openings[b.id].witness1) == (200_000, 100_000, "Ông Một")
    assert openings[a.id].witness2 == "Lê Thị Tám"
    assert funds.balance(funds.default_fund(world.branch)) == 400_000
    db.session.refresh(c)
    assert c.status == "active"
