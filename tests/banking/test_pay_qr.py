"""A VietQR wherever someone is asked to pay: the drive's page, its printed appeal (thư ngỏ), a donor's
reminder (page and PDF), a gift's page. Every QR is read back with zbar and its CRC checked."""
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from urllib.parse import quote

import pytest

from app.banking import vietqr
from app.banking.codes import donor_code, drive_code
from app.campaigns import services as campaign_services
from app.campaigns.models import CLOSED
from app.extensions import db
from tests.banking.test_vietqr import read_qr_codes
from tests.factories_banking import make_account
from tests.factories_donations import make_campaign, make_donation, make_donor

needs_tools = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftoppm", "zbarimg", "pdftotext", "pdffonts")),
                                 reason="poppler-utils and zbar-tools are needed")
ACCOUNT = "0071000123456"
BIN = "970436"
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "t.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "t.pdf"), "-"], check=True, capture_output=True,
                         text=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout).split())


def pdf_info(pdf: bytes, tmp_path) -> tuple[str, str]:
    (tmp_path / "i.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "i.pdf")], check=True, capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(tmp_path / "i.pdf")], check=True, capture_output=True, text=True).stdout
    return info, fonts


def page_qr(html: str, tmp_path) -> list[str]:
    """The QR codes of a page's inline SVGs, printed 5 cm wide and read back."""
    from weasyprint import HTML

    svgs = _SVG.findall(html)
    boxes = "".join(f'<div style="width:5cm;margin:1cm">{svg}</div>' for svg in svgs)
    return read_qr_codes(HTML(string=f"<html><body>{boxes}</body></html>").write_pdf(), tmp_path)


@pytest.fixture
def switch(client, as_user):
    """as_user for a second user in the same test: logging in while logged in keeps the first user."""

    def _switch(user):
        client.post("/dang-xuat")
        return as_user(user)

    return _switch


@pytest.fixture
def drive(world):
    """An open drive of the commune, which has an account."""
    make_account(world.commune)
    return make_campaign(world.commune, name="Tiếp sức đến trường năm học 2026 – 2027", target=50_000_000,
                         purpose="Trao học bổng cho học sinh vượt khó học giỏi")


# --- the drive's page ----------------------------------------------------------------------------

@needs_tools
def test_drive_page_shows_the_qr_and_code(world, as_user, drive, tmp_path):
    code = drive_code(drive)
    client = as_user(world.users["viewer"])
    html = client.get(f"/dot-van-dong/{drive.id}").get_data(as_text=True)
    assert "Chuyển khoản / quét mã VietQR" in html and code in html and ACCOUNT in html
    assert f"/ngan-hang/van-dong/{drive.id}/thu-ngo.pdf" in html and "In thư ngỏ (có mã QR)" in html
    read = page_qr(html, tmp_path)
    assert len(read) == 1 and vietqr.is_valid(read[0])
    assert vietqr.describe(read[0]) == {"bin": BIN, "account": ACCOUNT, "amount": None, "note": code}
    assert vietqr.parse(read[0])["01"] == "11"  # static: the giver types the amount


def test_piggy_bank_and_sponsorship_drives_too_and_a_branch_pays_into_the_commune(world, as_user):
    make_account(world.commune)
    client = as_user(world.users["viewer"])
    for kind, unit in (("piggy_bank", world.commune), ("sponsorship", world.branch)):
        campaign = make_campaign(unit, name=f"Đợt {kind}", kind=kind)
        html = client.get(f"/dot-van-dong/{campaign.id}").get_data(as_text=True)
        assert drive_code(campaign) in html and ACCOUNT in html


def test_no_qr_without_an_account_or_once_closed(world, as_user):
    campaign = make_campaign(world.commune)
    viewer = world.users["viewer"]
    html = as_user(viewer).get(f"/dot-van-dong/{campaign.id}").get_data(as_text=True)
    assert "VietQR" not in html and drive_code(campaign) not in html and "thu-ngo.pdf" not in html
    assert "Thêm tài khoản ngân hàng" not in html  # the viewer may not add one
    make_account(world.commune)  # the positive control: the same page now shows it
    html = as_user(viewer).get(f"/dot-van-dong/{campaign.id}").get_data(as_text=True)
    assert drive_code(campaign) in html and "VietQR" in html
    campaign_services.set_status(campaign, CLOSED)
    db.session.commit()
    html = as_user(viewer).get(f"/dot-van-dong/{campaign.id}").get_data(as_text=True)
    assert drive_code(campaign) not in html and "thu-ngo.pdf" not in html


def test_hint_to_add_an_account_for_who_may(world, as_user):
    campaign = make_campaign(world.commune)
    html = as_user(world.users["treasurer"]).get(f"/dot-van-dong/{campaign.id}").get_data(as_text=True)
    assert "Chưa có tài khoản ngân hàng" in html and "Thêm tài khoản ngân hàng" in html
    assert f"/ngan-hang/moi?don_vi={world.commune.id}" in html


# --- the appeal letter (thư ngỏ) -----------------------------------------------------------------

@needs_tools
def test_appeal_pdf_text_fonts_page_and_qr(world, as_user, drive, tmp_path):
    code = drive_code(drive)
    resp = as_user(world.users["viewer"]).get(f"/ngan-hang/van-dong/{drive.id}/thu-ngo.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = pdf_text(resp.data, tmp_path)
    for part in ("THƯ NGỎ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "HỘI KHUYẾN HỌC XÃ TÂN PHÚ", "Tiếp sức đến trường năm học 2026 – 2027", "01/09/2026", "30/09/2026",
                 "50.000.000", "Năm mươi triệu đồng", "Vietcombank", ACCOUNT, "HOI KHUYEN HOC XA TAN PHU", code,
                 "CHỦ TỊCH", "trân trọng"):
        assert part in text, part
    assert "trao học bổng cho học sinh vượt khó học giỏi" in text
    info, fonts = pdf_info(resp.data, tmp_path)
    assert re.search(r"Pages:\s+1\b", info)
    assert re.search(r"Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)", info) or "A4" in info
    font_rows = fonts.splitlines()[2:]
    assert font_rows and all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", r) for r in font_rows), fonts
    read = read_qr_codes(resp.data, tmp_path)
    assert len(read) == 1 and vietqr.is_valid(read[0])
    assert vietqr.describe(read[0]) == {"bin": BIN, "account": ACCOUNT, "amount": None, "note": code}


@needs_tools
def test_appeal_long_name_and_purpose_stay_on_one_page(world, as_user, tmp_path):
    make_account(world.commune, name="Hội Khuyến học xã Tân Phú huyện Lai Vung tỉnh Đồng Tháp quỹ khuyến học")
    campaign = make_campaign(world.commune, name=("Tiếp sức đến trường cho học sinh nghèo vượt khó " * 5)[:200],
                             purpose=("Trao học bổng, hỗ trợ sách vở, xe đạp, áo ấm cho học sinh " * 10)[:500])
    resp = as_user(world.users["viewer"]).get(f"/ngan-hang/van-dong/{campaign.id}/thu-ngo.pdf")
    info, _ = pdf_info(resp.data, tmp_path)
    assert re.search(r"Pages:\s+1\b", info)
    assert read_qr_codes(resp.data, tmp_path) and drive_code(campaign) in pdf_text(resp.data, tmp_path)


def test_appeal_qr_is_at_least_6_cm(world, app, drive):
    """Its modules (the quiet zone aside) span at least 6 cm on the A4 page, as laid out by WeasyPrint."""
    import segno
    from flask import render_template
    from weasyprint import HTML

    from app.banking.qr import pay_box

    with app.test_request_context():
        box = pay_box(drive.unit, drive_code(drive))
        html = render_template("pdf/banking/appeal.html", campaign=drive, pay=box, code=drive_code(drive),
                               today=date(2026, 9, 1))
    page = HTML(string=html).render().pages[0]._page_box
    widths = [b.width for b in page.descendants() if str(getattr(b, "element_tag", "")).endswith("svg")]
    modules = segno.make(box["payload"], error="m", boost_error=False).symbol_size(border=0)[0]
    assert len(widths) == 1 and widths[0] * 25.4 / 96 * modules / (modules + 8) >= 60


def test_appeal_refused_without_an_account_or_once_closed(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["viewer"])
    resp = client.get(f"/ngan-hang/van-dong/{campaign.id}/thu-ngo.pdf")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/dot-van-dong/{campaign.id}")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Chưa có tài khoản ngân hàng của Hội Khuyến học xã Tân Phú" in html
    resp = client.get(f"/ngan-hang/van-dong/{campaign.id}/thu-ngo.pdf", htmx=True)
    assert resp.headers.get("HX-Redirect", "").endswith(f"/dot-van-dong/{campaign.id}")
    make_account(world.commune)
    assert client.get(f"/ngan-hang/van-dong/{campaign.id}/thu-ngo.pdf").status_code == 200  # positive control
    campaign_services.set_status(campaign, CLOSED)
    db.session.commit()
    resp = client.get(f"/ngan-hang/van-dong/{campaign.id}/thu-ngo.pdf")
    assert resp.status_code == 303
    assert "đã kết thúc" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_appeal_scope(world, switch, drive):
    url = f"/ngan-hang/van-dong/{drive.id}/thu-ngo.pdf"
    assert switch(world.other_user).get(url).status_code == 404
    assert switch(world.branch_user).get(url).status_code == 404  # a chi hội does not see its commune's drive
    assert switch(world.province_admin).get(url).status_code == 200
    assert switch(world.users["viewer"]).get(url).status_code == 200
    assert switch(world.users["viewer"]).get("/ngan-hang/van-dong/999999/thu-ngo.pdf").status_code == 404


def test_appeal_needs_login(client, drive):
    resp = client.get(f"/ngan-hang/van-dong/{drive.id}/thu-ngo.pdf")
    assert resp.status_code in (302, 303, 401)


# --- a donor's reminder --------------------------------------------------------------------------

def _reminder_url(campaign, donor, suffix=""):
    return f"/ngan-hang/van-dong/{campaign.id}/nguoi-gop/{donor.id}{suffix}"


@needs_tools
def test_reminder_page_static_then_dynamic(world, as_user, drive, tmp_path):
    donor = make_donor(world.commune, name="Công ty TNHH Đức Hưng")
    code = donor_code(drive, donor)
    client = as_user(world.users["clerk"])
    for htmx in (False, True):
        resp = client.get(_reminder_url(drive, donor), htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and code in html and "Công ty TNHH Đức Hưng" in html and "Tùy tâm" in html
        assert ("<html" in html) is (not htmx) and 'id="reminder"' in html
    (tmp_path / "static").mkdir()
    read = page_qr(client.get(_reminder_url(drive, donor)).get_data(as_text=True), tmp_path / "static")
    assert vietqr.parse(read[0])["01"] == "11" and "54" not in vietqr.parse(read[0])
    html = client.get(_reminder_url(drive, donor) + "?so_tien=500.000", htmx=True).get_data(as_text=True)
    assert "500.000" in html and "Năm trăm nghìn đồng" in html and "so_tien=500000" in html
    (tmp_path / "dyn").mkdir()
    read = page_qr(html, tmp_path / "dyn")
    tree = vietqr.parse(read[0])
    assert vietqr.is_valid(read[0]) and tree["54"] == "500000" and tree["01"] == "12" and tree["62"]["08"] == code


@needs_tools
def test_reminder_pdf_decodes_with_the_amount(world, as_user, drive, tmp_path):
    donor = make_donor(world.commune, name="Lê Ngọc Ẩn")
    code = donor_code(drive, donor)
    resp = as_user(world.users["viewer"]).get(_reminder_url(drive, donor, "/giay-bao.pdf") + "?so_tien=500000")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = pdf_text(resp.data, tmp_path)
    for part in ("GIẤY BÁO ĐÓNG GÓP", "Lê Ngọc Ẩn", "500.000", "Năm trăm nghìn đồng", code, ACCOUNT,
                 "Tiếp sức đến trường năm học 2026 – 2027"):
        assert part in text, part
    info, _ = pdf_info(resp.data, tmp_path)
    assert re.search(r"Pages:\s+1\b", info)
    read = read_qr_codes(resp.data, tmp_path)
    assert len(read) == 1 and vietqr.is_valid(read[0])
    tree = vietqr.parse(read[0])
    assert tree["54"] == "500000" and tree["01"] == "12" and tree["62"]["08"] == code
    assert tree["38"]["01"] == {"00": BIN, "01": ACCOUNT}


@pytest.mark.parametrize("bad, message", [("abc", ""), ("0", "lớn hơn 0"), ("-5", ""), ("1.25.000", ""),
                                          ("999999999999999", "quá lớn")])
def test_reminder_bad_amount_says_why(world, as_user, drive, bad, message):
    donor = make_donor(world.commune)
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        resp = client.get(_reminder_url(drive, donor), query_string={"so_tien": bad}, htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422 and 'class="error"' in html and "Chưa tạo được mã QR" in html
        assert message in html and "<svg" not in html
    resp = client.get(_reminder_url(drive, donor, "/giay-bao.pdf"), query_string={"so_tien": bad})
    assert resp.status_code == 303 and "/giay-bao.pdf" not in resp.headers["Location"]
    assert resp.headers["Location"].endswith(_reminder_url(drive, donor) + "?so_tien=" + quote(bad, safe=""))


def test_reminder_scope_and_tree(world, as_user, switch, drive):
    donor = make_donor(world.commune)
    other_donor = make_donor(world.other_commune, name="Người xã khác")
    other_drive = make_campaign(world.other_commune, name="Đợt xã khác")
    make_account(world.other_commune, number="1234567890")
    client = as_user(world.users["viewer"])
    assert client.get(_reminder_url(drive, other_donor)).status_code == 404
    assert client.get(_reminder_url(other_drive, donor)).status_code == 404
    assert client.get(_reminder_url(drive, donor)).status_code == 200  # positive control
    # Both visible to the province, yet of two communes: no reminder mixes them.
    admin = switch(world.province_admin)
    assert admin.get(_reminder_url(other_drive, donor)).status_code == 404
    assert admin.get(_reminder_url(other_drive, other_donor)).status_code == 200
    # Another commune's user sees neither.
    other = switch(world.other_user)
    assert other.get(_reminder_url(drive, donor)).status_code == 404
    assert other.get(_reminder_url(drive, donor, "/giay-bao.pdf")).status_code == 404
    # A branch's donor and the commune's drive are one tree.
    branch_donor = make_donor(world.branch, name="Người chi hội")
    client = switch(world.users["viewer"])
    assert client.get(_reminder_url(drive, branch_donor)).status_code == 200


def test_reminder_of_a_merged_donor_moves_to_the_kept_one(world, as_user, drive):
    from app.donations import donor_services

    keep, gone = make_donor(world.commune, name="Trần Văn Bình"), make_donor(world.commune, name="Tran Van Binh")
    donor_services.merge_donors(keep, gone)
    db.session.commit()
    resp = as_user(world.users["viewer"]).get(_reminder_url(drive, gone) + "?so_tien=200000")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(_reminder_url(drive, keep) + "?so_tien=200000")


def test_reminder_refused_for_a_closed_drive_or_without_an_account(world, as_user):
    campaign = make_campaign(world.commune)
    donor = make_donor(world.commune)
    client = as_user(world.users["viewer"])
    resp = client.get(_reminder_url(campaign, donor))
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/nha-hao-tam/{donor.id}")
    assert "Chưa có tài khoản ngân hàng" in client.get(resp.headers["Location"]).get_data(as_text=True)
    make_account(world.commune)
    assert client.get(_reminder_url(campaign, donor)).status_code == 200
    campaign_services.set_status(campaign, CLOSED)
    db.session.commit()
    resp = client.get(_reminder_url(campaign, donor, "/giay-bao.pdf"))
    assert resp.status_code == 303 and "đã kết thúc" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_donor_page_links_to_reminders_of_open_drives(world, as_user, drive):
    donor = make_donor(world.commune)
    closed = make_campaign(world.commune, name="Đợt đã đóng")
    campaign_services.set_status(closed, CLOSED)
    other = make_campaign(world.other_commune, name="Đợt xã khác")
    db.session.commit()
    html = as_user(world.users["viewer"]).get(f"/quyen-gop/nha-hao-tam/{donor.id}").get_data(as_text=True)
    assert "Gửi giấy báo đóng góp" in html and _reminder_url(drive, donor) in html
    assert _reminder_url(closed, donor) not in html and _reminder_url(other, donor) not in html


def test_donor_page_without_an_account_offers_no_reminder(world, as_user):
    make_campaign(world.commune)
    donor = make_donor(world.commune)
    html = as_user(world.users["viewer"]).get(f"/quyen-gop/nha-hao-tam/{donor.id}").get_data(as_text=True)
    assert "Gửi giấy báo đóng góp" not in html


# --- a gift's page -------------------------------------------------------------------------------

@needs_tools
def test_gift_page_shows_next_time_box(world, as_user, drive, tmp_path):
    gift = make_donation(drive, 300_000, method="transfer")
    code = donor_code(drive, gift.donor)
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        html = client.get(f"/quyen-gop/{gift.id}", htmx=htmx).get_data(as_text=True)
        assert "Lần sau chuyển khoản" in html and code in html
    read = page_qr(html, tmp_path)
    assert len(read) == 1 and vietqr.describe(read[0])["note"] == code and vietqr.is_valid(read[0])


def test_gift_page_no_box_in_kind_voided_or_closed(world, as_user, drive):
    from app.donations import services as donation_services

    client = as_user(world.users["viewer"])
    goods = make_donation(drive, 200_000, method="in_kind", item="vở", quantity=10, item_unit="quyển")
    assert "Lần sau chuyển khoản" not in client.get(f"/quyen-gop/{goods.id}").get_data(as_text=True)
    cash = make_donation(drive, 100_000)
    assert "Lần sau chuyển khoản" in client.get(f"/quyen-gop/{cash.id}").get_data(as_text=True)  # control
    donation_services.void_donation(cash, "Ghi nhầm")
    db.session.commit()
    assert "Lần sau chuyển khoản" not in client.get(f"/quyen-gop/{cash.id}").get_data(as_text=True)
    live = make_donation(drive, 150_000)
    campaign_services.set_status(drive, CLOSED)
    db.session.commit()
    assert "Lần sau chuyển khoản" not in client.get(f"/quyen-gop/{live.id}").get_data(as_text=True)
