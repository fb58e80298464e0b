"""The verification mark on every paper but the certificates (issue 18 A): a QR that decodes to
/xac-minh/<code> naming this very paper, the same code and the plain address printed beside it, and
no page added (a one-page phiếu stays one page; a list keeps its page count, compared with the same
paper printed without marks). The decoded address opens without logging in."""
import subprocess
import unicodedata
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from app.books import owners
from app.commendations import issuing
from app.extensions import db
from app.papers import codes
from app.scholarships import services as scholarships
from tests.banking.test_vietqr import needs_tools, read_qr_codes
from tests.factories_commendations import add, make_decision
from tests.factories_funds import fund_world, give, pay
from tests.factories_goods import goods_world
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

pytestmark = needs_tools
LONG_SITE = "https://khuyenhoc.laivung.dongthap.vn"  # a real address, longer than the tests' localhost


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())


def page_count(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@contextmanager
def no_marks(app):
    """The same papers printed as before issue 18 (paper_mark answers None): the page-count baseline."""
    real = app.jinja_env.globals["paper_mark"]
    app.jinja_env.globals["paper_mark"] = lambda *args, **kw: None
    app.jinja_env.cache.clear()  # an imported macro module keeps the globals it was loaded with
    try:
        yield
    finally:
        app.jinja_env.globals["paper_mark"] = real
        app.jinja_env.cache.clear()


def check_mark(pdf: bytes, tmp_path, kind: str, ref_id: int, site: str = "http://localhost") -> str:
    """The paper's one QR names (kind, ref_id); its code and the address are printed beside it. The code."""
    folder = tmp_path / f"qr-{kind}-{ref_id}-{len(pdf)}"
    folder.mkdir()
    found = [url for url in read_qr_codes(pdf, folder) if "/xac-minh/" in url]
    assert len(found) == 1, found
    url = found[0]
    code = url.rsplit("/", 1)[1]
    assert url == f"{site}/xac-minh/{code}"
    assert codes.read(code) == (kind, ref_id)
    flat = pdf_text(pdf).replace(" ", "")  # pdftotext may drop a space between accented words
    address = f"{site.split('://', 1)[1]}/xac-minh"
    assert f"Mãxácminh:{code}" in flat and f"Tracứutại:{address}" in flat
    return code


def same_pages_without_marks(app, client, url: str, with_marks: bytes, tmp_path) -> int:
    """The page count is the one the paper had without its mark; the bare paper (positive control of
    the QR reading) has no mark at all."""
    with no_marks(app):
        bare = client.get(url)
    assert bare.status_code == 200 and bare.mimetype == "application/pdf"
    folder = tmp_path / f"bare-{len(bare.data)}"
    folder.mkdir()
    assert not [u for u in read_qr_codes(bare.data, folder) if "/xac-minh/" in u]
    assert "Mã xác minh" not in pdf_text(bare.data)
    assert page_count(with_marks) == page_count(bare.data)
    return page_count(with_marks)


def public_page(app, code: str) -> str:
    """/xac-minh/<code> opened by a stranger: a fresh client that never logged in."""
    stranger = app.test_client()
    resp = stranger.get(urlsplit(f"http://localhost/xac-minh/{code}").path)
    assert resp.status_code == 200, resp.status_code
    return " ".join(resp.get_data(as_text=True).split())


def get_pdf(client, url: str) -> bytes:
    resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf", resp.status_code
    assert resp.headers["Content-Disposition"].startswith("inline")
    return resp.data


# ---- phiếu thu, phiếu chi ------------------------------------------------------------------------

def test_receipt_and_voucher_carry_their_mark_on_one_a5_page(app, world, as_user, tmp_path):
    f = fund_world(world)
    client = as_user(world.users["viewer"])
    for entry, kind in ((f.own_income, "receipt"), (f.own_payment, "voucher")):
        url = f"/quy/but-toan/{entry.id}/phieu.pdf"
        pdf = get_pdf(client, url)
        code = check_mark(pdf, tmp_path, kind, entry.id)
        assert same_pages_without_marks(app, client, url, pdf, tmp_path) == 1
        assert entry.number in public_page(app, code)


LONG = {  # the longest texts a phiếu really carries: a company with its full address, a spelled-out purpose
    "counterparty": "Công ty TNHH Thương mại Dịch vụ Xây dựng Hồng Phát Lai Vung",
    "address": "Số 125/4 Quốc lộ 80, ấp Tân Lộc, xã Tân Phú, huyện Lai Vung, tỉnh Đồng Tháp",
    "purpose": ("Ủng hộ Quỹ khuyến học xã Tân Phú nhân dịp Tháng Khuyến học 2026, để trao học bổng cho học sinh "
                "có hoàn cảnh khó khăn vượt khó học giỏi của các trường Tiểu học và Trung học cơ sở trên địa bàn xã"),
    "basis": "Thư ngỏ số 12/TN-HKH ngày 01/9/2026 và danh sách kèm theo",
    "reason": "Ghi trùng với phiếu thu đã lập trước đó cho cùng khoản ủng hộ; số tiền đã được ghi đúng ở phiếu khác",
}


def test_the_longest_receipt_still_fits_one_page(app, world, as_user, tmp_path):
    """A voided phiếu thu and a phiếu chi with the longest texts they really carry: the signatures and the
    mark stay on the one A5 page."""
    fund = fund_world(world).own
    entry = give(fund, 1_234_567_890, counterparty=LONG["counterparty"], counterparty_address=LONG["address"],
                 description=LONG["purpose"], basis=LONG["basis"])
    owners.void(entry, LONG["reason"])
    voucher = pay(fund, 3_987_654, recipient=LONG["counterparty"], purpose=LONG["purpose"], basis=LONG["basis"])
    db.session.commit()
    app.config["PUBLIC_URL"] = LONG_SITE
    client = as_user(world.users["viewer"])
    for e, kind in ((entry, "receipt"), (voucher, "voucher")):
        pdf = get_pdf(client, f"/quy/but-toan/{e.id}/phieu.pdf")
        check_mark(pdf, tmp_path, kind, e.id, site=LONG_SITE)
        assert page_count(pdf) == 1
        assert "ĐÃ HỦY" in pdf_text(pdf) or kind == "voucher"


def test_a_phieu_too_long_for_one_page_gets_no_extra_page_from_its_mark(app, world, as_user, tmp_path):
    """Every text field at the most it holds (more than one A5 page already): the mark adds no page."""
    fund = fund_world(world).own
    words = "Nguyễn Thị Ánh Tuyết Hồ Xuân Hương Trịnh Đức Hưng Lê Ngọc Ẩn "
    entry = give(fund, 1_234_567_890, counterparty=(words * 4)[:200], counterparty_address=(words * 6)[:300],
                 description=(words * 9)[:500], basis=(words * 2)[:100])
    client = as_user(world.users["viewer"])
    url = f"/quy/but-toan/{entry.id}/phieu.pdf"
    pdf = get_pdf(client, url)
    check_mark(pdf, tmp_path, "receipt", entry.id)
    assert same_pages_without_marks(app, client, url, pdf, tmp_path) == 2


def test_a_voided_receipt_shows_as_voided_to_a_stranger(app, world, as_user, tmp_path):
    fund = fund_world(world).own
    entry = give(fund, 750_000, counterparty="Trần Văn Bình")
    kept = give(fund, 300_000, counterparty="Lê Thị Cúc")
    owners.void(entry, "Ghi trùng")
    db.session.commit()
    client = as_user(world.users["viewer"])
    code = check_mark(get_pdf(client, f"/quy/but-toan/{entry.id}/phieu.pdf"), tmp_path, "receipt", entry.id)
    page = public_page(app, code)
    assert entry.number in page and "Đã hủy" in page
    kept_code = check_mark(get_pdf(client, f"/quy/but-toan/{kept.id}/phieu.pdf"), tmp_path, "receipt", kept.id)
    kept_page = public_page(app, kept_code)
    assert kept.number in kept_page and "Đã hủy" not in kept_page  # positive control


def test_a_reversal_has_no_paper_and_so_no_mark(world, as_user):
    f = fund_world(world)
    reversal = owners.void(f.own_payment, "Chi trùng")
    db.session.commit()
    reversal = reversal[0] if isinstance(reversal, list) else reversal
    assert reversal.number is None
    assert as_user(world.users["viewer"]).get(f"/quy/but-toan/{reversal.id}/phieu.pdf").status_code == 404


# ---- goods in and out ----------------------------------------------------------------------------

def test_goods_receipt_and_issue_carry_their_mark(app, world, as_user, tmp_path):
    g = goods_world(world)
    client = as_user(world.users["viewer"])
    for entry, kind in ((g.own_in, "goods_in"), (g.own_out, "goods_out")):
        url = f"/hien-vat/{entry.id}/phieu.pdf"
        pdf = get_pdf(client, url)
        code = check_mark(pdf, tmp_path, kind, entry.id)
        assert same_pages_without_marks(app, client, url, pdf, tmp_path) == 1
        assert entry.number in public_page(app, code)


# ---- the decision and its attached list ----------------------------------------------------------

def _decision(world, n: int, **kw):
    d = make_decision(world.commune, group_by="place", **kw)
    for i in range(n):
        add(d, f"Nguyễn Thị Ánh {i:03d}", place=f"Lớp {i % 4 + 5}A", commit=False)
    db.session.commit()
    return d


def test_a_draft_decision_prints_its_mark(app, world, as_user, tmp_path):
    d = _decision(world, 3)
    client = as_user(world.users["viewer"])
    url = f"/khen-thuong/quyet-dinh/{d.id}/quyet-dinh.pdf"
    pdf = get_pdf(client, url)
    code = check_mark(pdf, tmp_path, "decision", d.id)
    assert same_pages_without_marks(app, client, url, pdf, tmp_path) == 1
    page = public_page(app, code)
    assert d.number in page and "Dự thảo" in page


def test_an_issued_decision_and_its_list_carry_their_marks(app, world, as_user, tmp_path):
    d = _decision(world, 60)
    issuing.issue(d)
    db.session.commit()
    client = as_user(world.users["viewer"])
    code = check_mark(get_pdf(client, f"/khen-thuong/quyet-dinh/{d.id}/quyet-dinh.pdf"), tmp_path, "decision", d.id)
    assert "Dự thảo" not in public_page(app, code) and d.number in public_page(app, code)
    url = f"/khen-thuong/quyet-dinh/{d.id}/danh-sach.pdf"
    pdf = get_pdf(client, url)
    code = check_mark(pdf, tmp_path, "decision_list", d.id)  # once, however many pages
    assert same_pages_without_marks(app, client, url, pdf, tmp_path) >= 2
    assert d.number in public_page(app, code)


def test_a_long_list_printed_in_chunks_by_the_print_job_has_one_mark(app, world, as_user, tmp_path, monkeypatch):
    from app.printing import services as printing

    monkeypatch.setattr(printing, "DEFAULT_CHUNK_ROWS", 40)  # several chunks: the mark only on the last
    d = _decision(world, 120)
    client = as_user(world.users["admin"])
    resp = client.post(f"/khen-thuong/quyet-dinh/{d.id}/in-danh-sach")
    assert resp.status_code == 303
    job_url = resp.headers["Location"].rstrip("/")
    pdf = get_pdf(client, f"{job_url}/tai-ve")
    check_mark(pdf, tmp_path, "decision_list", d.id)
    text = pdf_text(pdf)
    assert text.count("Mã xác minh") == 1 and "Nguyễn Thị Ánh 119" in text


# ---- the scholarship signing sheet ---------------------------------------------------------------

def test_the_signing_sheet_carries_its_mark_once(app, world, as_user, tmp_path):
    rnd = make_round(world.commune, budget=50_000_000, fund_money=50_000_000)
    cat = make_category(rnd, 300_000)
    school = make_school(world.commune, "Trường THCS Lai Vung")
    noms = [make_nomination(rnd, make_pupil(world.commune, f"Trần Văn Ánh {i:02d}", school=school), cat,
                            commit=False) for i in range(30)]
    scholarships.approve(rnd, noms)
    db.session.commit()
    client = as_user(world.users["viewer"])
    for url in (f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan", f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan?truong={school.id}"):
        pdf = get_pdf(client, url)
        code = check_mark(pdf, tmp_path, "payout_sheet", rnd.id)
        assert pdf_text(pdf).count("Mã xác minh") == 1
        assert same_pages_without_marks(app, client, url, pdf, tmp_path) >= 2
    assert rnd.name in public_page(app, code)


def test_a_paper_without_a_saved_id_prints_no_mark(app, world):
    """mark() of a record without an id is None and the template prints nothing (an unsaved preview)."""
    from flask import render_template

    from app.funds.models import LedgerEntry

    f = fund_world(world)
    saved = render_template("pdf/funds/voucher.html", entry=f.own_income, reversal=None)
    assert "Mã xác minh" in saved and "<svg" in saved  # positive control
    unsaved = LedgerEntry(direction="in", source="donation", number="PT-0", unit=f.own_income.unit, fund=f.own_income.fund,
                          amount=1000, entry_date=f.own_income.entry_date)
    html = render_template("pdf/funds/voucher.html", entry=unsaved, reversal=None)
    db.session.expunge_all()
    assert "PHIẾU THU" in html and "Mã xác minh" not in html and "<svg" not in html
