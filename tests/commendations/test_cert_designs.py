"""Issue 18 C: certificates worth framing, checked by rendering them.

Every design on A4 and A5 landscape: one page per certificate, every word inside the page and inside
the frame's bands, names of one word to 250 characters, two-line names broken evenly, the
verification QR decoded back to its honoree and clear of the decision line and the signature; the
settings page's live preview with unsaved values (nothing written), and the sample per wording kind.
"""
import re
import shutil
import subprocess
import unicodedata

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.commendations import certificates as certs
from app.commendations import documents
from app.commendations.models import BORDERS, CertificateSetting
from app.extensions import db
from app.papers import codes
from tests.banking.test_vietqr import read_qr_codes
from tests.factories_commendations import add, make_decision

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdfinfo", "pdftoppm", "zbarimg")),
    reason="poppler-utils and zbar-tools are needed")

PREFIX = "/khen-thuong"
MM = 72 / 25.4  # points per millimetre
PAGE = {"a4": (297, 210), "a5": (210, 148)}
SCALE = {"a4": 1.0, "a5": 148 / 210}
NAME_250 = ("Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái Bích Nguyễn Trần Lê Phạm Hoàng Huỳnh "
            "Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Tôn Thất Bảo Long Hải Đăng Minh Khôi Gia Huy Thanh Tâm "
            "Ngọc Ánh Thùy Dương Phương Linh Quốc Bảo Hữu Nghĩa Đức Trí Xuân Mai Thu Hà")[:250].strip()
ACH_300 = ("Giải Nhất học sinh giỏi cấp tỉnh môn Ngữ văn, Huy chương Vàng Hội khỏe Phù Đổng, học sinh xuất "
           "sắc tiêu biểu nhiều năm liền, tích cực tham gia phong trào khuyến học, đạt danh hiệu Cháu ngoan Bác "
           "Hồ xã, Giải Ba cuộc thi Viết thư quốc tế UPU, Giải Khuyến khích Tin học trẻ toàn quốc, tham gia "
           "đội tuyển thể thao của trường nhiều năm")[:300]
NAMES = ["Bích", "Lê Văn An", "Nguyễn Thị Hoàng Phương Anh", "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh",
         "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái Bích", NAME_250]


def _pdf_words(pdf: bytes, tmp_path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page: (word, x0, y0, x1, y1) in millimetres from the page's top left corner."""
    path = tmp_path / "w.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(unicodedata.normalize("NFC", w), float(a) / MM, float(b) / MM, float(c) / MM, float(d) / MM)
                      for a, b, c, d, w in re.findall(
                          r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)])
    return pages


def _info(pdf: bytes, tmp_path) -> tuple[int, tuple[int, int]]:
    path = tmp_path / "i.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", out).groups()
    return int(re.search(r"Pages:\s+(\d+)", out).group(1)), (round(float(w) / MM), round(float(h) / MM))


def _person(d, name):
    """A line named `name`. The form takes names up to 250 characters; the service splits a person's
    name into họ (one word), đệm (up to 100) and tên, so the 250-character one is stored as the
    columns allow (its tên holds several words): the certificate prints the joined name either way."""
    h = add(d, name if len(name) <= 160 else "Nguyễn Văn An", ACH_300 if len(name) > 40 else "Học sinh giỏi cấp huyện",
            place="Lớp 9A1, Trường Trung học cơ sở Nguyễn Văn Trỗi xã Lai Vung")
    if len(name) > 160:
        words = name.split()
        h.ho, h.dem = words[0], ""
        while len(h.dem) + len(words[1]) + 1 <= 100:
            h.dem = f"{h.dem} {words.pop(1)}".strip()
        h.ten = " ".join(words[1:])
        db.session.commit()
        assert h.full_name == name
    return h


def _setting(unit, border="classic", paper="a4", **kw):
    values = dict(issuer_line="Ban Thường vụ Hội Khuyến học xã Lai Vung", title="GIẤY KHEN", border=border,
                  logo="img/logo-khuyen-hoc.svg", signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
                  signer_name="Huỳnh Minh Tâm", place="Lai Vung", paper=paper)
    values.update(kw)
    s = certs.save_setting(unit, **values)
    db.session.commit()
    return s


# ---- the name, broken evenly ------------------------------------------------------------------

def test_names_break_evenly_at_a_word_boundary(app):
    assert certs.name_layout("Bích") == ("name-l", ["Bích"])
    assert certs.name_layout("Lê Văn An") == ("name-l", ["Lê Văn An"])
    cls, lines = certs.name_layout("Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái Bích")
    assert lines == ["Công Tằng Tôn Nữ Thị Hoàng", "Phương Quỳnh Ngọc Diễm Lệ Ái Bích"] and cls == "name-m"
    for name in NAMES + ["A " * 40 + "Bình", "Nguyễn " * 12 + "Thị Thu Hà"]:
        cls, lines = certs.name_layout(name.strip())
        assert " ".join(lines) == " ".join(name.split())  # nothing lost, words whole
        if len(lines) > 1:
            assert all(len(line.split()) >= 2 for line in lines), lines  # never one word alone
            widths = [certs.name_width_mm(line, 20) for line in lines]
            assert max(widths) - min(widths) < max(widths) * 0.5, lines  # even, not one long and one short
    # A name that fits on one line at a smaller size stays on one line (no needless break).
    assert len(certs.name_layout("Nguyễn Ngọc Bảo Trâm Anh Thư Khánh Linh")[1]) == 1


# ---- every design, both papers: text inside, one page each, QR decoded -------------------------

@pytest.mark.parametrize("paper", ["a4", "a5"])
@pytest.mark.parametrize("border", list(BORDERS))
def test_each_design_keeps_every_word_inside_the_frame_one_page_each(world, tmp_path, border, paper):
    assert len(BORDERS) >= 4 and len(NAME_250) == 250
    _setting(world.commune, border, paper)
    d = make_decision(world.commune)
    people = [_person(d, name) for name in NAMES]
    items = certs.certificates_of(d)
    assert {c["paper"] for c in items} == {paper}
    pdf = documents.certificates_pdf(items)
    pages, size = _info(pdf, tmp_path)
    assert pages == len(NAMES) and size == PAGE[paper]
    width, height = PAGE[paper]
    k = SCALE[paper]
    inner = 20 * k  # the frame (8 mm) and its bands: no word closer to the edge than this
    for n, words in enumerate(_pdf_words(pdf, tmp_path)):
        assert words, n
        for w, x0, y0, x1, y1 in words:
            assert inner <= x0 and x1 <= width - inner and inner <= y0 and y1 <= height - inner, (n, w, x0, y0, x1, y1)
        text = " ".join(w for w, *_ in words)
        name = " ".join(items[n]["name"].split())
        assert name in text, (n, name)  # the whole name, every word of it printed
        # The honour (from TẶNG to the last word above the date) between the header and the foot.
        give = next(b for b in words if b[0] == "TẶNG")
        assert give[2] >= 50 * k
        # The name's lines are centred: their middle within 2 mm of the page's middle.
        title_bottom = next(b[4] for b in words if b[0] == "KHEN")
        detail_top = next(b[2] for b in words if b[0] == "Lớp")  # the line under the name
        name_words = [b for b in words if title_bottom < b[2] and b[4] < detail_top]
        lines = {}
        for b in name_words:
            lines.setdefault(round(b[2]), []).append(b)
        for line in lines.values():
            middle = (min(b[1] for b in line) + max(b[3] for b in line)) / 2
            assert abs(middle - width / 2) < 3 * k + 0.5 * len(line), (n, middle)
    codes_read = read_qr_codes(pdf, tmp_path)
    assert len(codes_read) == len(NAMES)
    assert sorted(codes.read(url.rsplit("/", 1)[-1]) for url in codes_read) == sorted(
        ("certificate", h.id) for h in people)


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_the_mark_sits_clear_of_the_decision_line_and_the_signature(world, tmp_path, paper):
    _setting(world.commune, "lotus", paper)
    d = make_decision(world.commune)
    h = add(d, "Nguyễn Thị Ánh")
    c = certs.certificate_of(h)
    assert c["verify"]["code"] and codes.read(c["verify"]["code"]) == ("certificate", h.id)
    pdf = documents.certificates_pdf([c])
    (words,) = _pdf_words(pdf, tmp_path)
    k = SCALE[paper]
    label = next(b for b in words if b[0] == "Mã")  # "Mã xác minh: XXXXX-..."
    code = next(b for b in words if b[0] == c["verify"]["code"])
    qr_size = 17 if paper == "a4" else 15.7  # static/css/certificate.css: kept larger than the scale on A5
    qr = (label[1] - 1.5 - qr_size, label[1] - 1.3)  # the QR's left and right edges (about)
    decision = [b for b in words if b[0] in ("Quyết", "định", "Số", "sổ", "vàng:")]
    signature = [b for b in words if b[0] in ("Huỳnh", "Minh", "Tâm", "CHỦ", "TỊCH", "TM.")]
    assert decision and signature
    assert max(b[4] for b in decision) < code[2] - 2 * k  # the decision line above the mark
    assert all(b[1] > code[3] + 10 * k for b in signature)  # the signature well to the right
    assert qr[0] > 30 * k  # the QR clear of the corner ornament (within 30 mm of the corner)
    assert read_qr_codes(pdf, tmp_path) == [c["verify"]["url"]]


def test_one_certificate_pdf_follows_the_paper_setting(admin_client, world, tmp_path):
    d = make_decision(world.commune)
    h = add(d, "Lê Văn An")
    for paper in ("a4", "a5"):
        _setting(world.commune, "guilloche", paper)
        resp = admin_client.get(f"{PREFIX}/nguoi/{h.id}/giay-khen.pdf")
        assert resp.status_code == 200
        assert _info(resp.data, tmp_path) == (1, PAGE[paper])
    body = admin_client.get(f"{PREFIX}/nguoi/{h.id}/xem-giay-khen").get_data(as_text=True)
    assert "paper-a5" in body and "border-guilloche" in body and "A5 ngang" in body
    assert "<svg" in body and "verify-empty" not in body  # a real certificate carries its QR
    assert "data:" not in body  # pages carry no data: URI (the logo and the QR by URL and inline SVG)
    assert "style=" not in body  # the CSP refuses inline styles


def test_a_changed_paper_changes_the_print_jobs_fingerprint(world):
    d = make_decision(world.commune)
    add(d, "Lê Văn An")
    _setting(world.commune, "classic", "a4")
    before = documents.snapshot({"decision_id": d.id})
    _setting(world.commune, "classic", "a5")
    after = documents.snapshot({"decision_id": d.id})
    assert before["setting"]["paper"] == "a4" and after["setting"]["paper"] == "a5" and before != after


# ---- the settings page: live preview with unsaved values ---------------------------------------

@pytest.fixture
def admin_client(world, as_user):
    return as_user(world.users["admin"])


def _counts():
    return (db.session.scalar(select(func.count()).select_from(CertificateSetting)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


def test_settings_page_previews_live_and_offers_a_real_button(admin_client, world):
    body = admin_client.get(f"{PREFIX}/mau-giay-khen").get_data(as_text=True)
    assert 'id="live-preview"' in body and 'hx-trigger="change from:closest section, keyup changed delay:600ms' in body and 'hx-sync="this:replace"' in body
    assert 'hx-params="not csrf_token"' in body and "Khổ giấy" in body and "Xem mẫu cho" in body
    preview_url = f"{PREFIX}/mau-giay-khen/xem-thu"
    assert f'formmethod="post" formaction="{preview_url}"' in body  # JavaScript off: a real button
    assert f'name="don_vi" value="{world.commune.id}"' in body
    assert "verify-empty" in body and "Mã xác minh" in body  # the sample's placeholder box
    assert "Tải biểu trưng lên" in body and f"{PREFIX}/mau-giay-khen/bieu-trung?don_vi={world.commune.id}" in body
    for kind in BORDERS:
        assert f'value="{kind}"' in body


@pytest.mark.parametrize("htmx", [False, True])
def test_preview_with_unsaved_values_writes_nothing(admin_client, world, htmx):
    _setting(world.commune, "classic", "a4")
    before = _counts()
    args = {"don_vi": world.commune.id, "issuer_line": "Ban Khuyến học ấp Thử Nghiệm", "title": "GIẤY KHEN",
            "border": "lotus", "paper": "a5", "logo": "", "signer_title": "TRƯỞNG BAN", "signer_name": "Lê Văn Ký",
            "place": "Tân Lộc", "wording_scholarship": "Được trao tặng [thành tích]", "mau": "scholarship"}
    resp = admin_client.get(f"{PREFIX}/mau-giay-khen/xem-thu", query_string=args, htmx=htmx)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert ("<html" in body) != htmx
    assert "Ban Khuyến học ấp Thử Nghiệm" in body and "Lê Văn Ký" in body and "border-lotus" in body
    assert "paper-a5" in body and "Được trao tặng Học bổng vượt khó năm học" in body and "chưa lưu" in body
    assert "style=" not in body
    if not htmx:  # the page keeps the values in its form, to change again or save
        assert 'value="Ban Khuyến học ấp Thử Nghiệm"' in body and 'selected value="a5"' in body and 'name="csrf_token"' in body
    assert _counts() == before
    saved = certs.setting_for(world.commune)
    assert saved.border == "classic" and saved.paper == "a4"  # positive control: the saved one is unchanged
    # The saved template, without values: the classic A4 sample.
    body = admin_client.get(f"{PREFIX}/mau-giay-khen/xem-thu?don_vi={world.commune.id}").get_data(as_text=True)
    assert "border-classic" in body and "paper-a4" in body and "chưa lưu" not in body


def test_preview_without_javascript_posts_so_the_token_stays_out_of_the_url(admin_client, world):
    """The JS-off "Xem thử" is a POST (the form's CSRF token in a GET would sit in history and logs):
    it shows the unsaved sample and writes nothing; an invalid value answers 422 beside its field."""
    _setting(world.commune, "classic", "a4")
    before = _counts()
    data = {"don_vi": world.commune.id, "issuer_line": "Ban Khuyến học ấp Bài Đăng", "title": "GIẤY KHEN",
            "border": "lotus", "paper": "a5", "logo": "", "signer_title": "TRƯỞNG BAN", "signer_name": "Lê Văn Ký",
            "place": "Tân Lộc", "mau": "scholarship"}
    resp = admin_client.post(f"{PREFIX}/mau-giay-khen/xem-thu", data=data)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "Ban Khuyến học ấp Bài Đăng" in body and "border-lotus" in body and "chưa lưu" in body
    assert _counts() == before
    saved = certs.setting_for(world.commune)
    assert saved.border == "classic" and saved.paper == "a4"
    resp = admin_client.post(f"{PREFIX}/mau-giay-khen/xem-thu", data={**data, "paper": "a0"})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "chưa lưu" not in body and 'value="Ban Khuyến học ấp Bài Đăng"' in body  # input kept, saved sample
    assert _counts() == before


@pytest.mark.parametrize("kind,expected", [
    ("scholarship", "Đã được nhận Học bổng vượt khó năm học"),
    ("achievement", "Đạt giải Nhất kỳ thi học sinh giỏi"),  # the text's own verb replaces the lead
    ("title", "Đạt danh hiệu “Gia đình học tập” năm"),
    ("donor", "Đã có nhiều đóng góp cho sự nghiệp khuyến học, khuyến tài: Ủng hộ Quỹ"),
    ("volunteer", "Đã có thành tích xuất sắc trong công tác khuyến học, khuyến tài: Chi hội trưởng"),
])
def test_the_sample_shows_each_kinds_wording(admin_client, world, kind, expected):
    body = admin_client.get(f"{PREFIX}/mau-giay-khen/xem-thu",
                            query_string={"don_vi": world.commune.id, "mau": kind}, htmx=True).get_data(as_text=True)
    assert expected in " ".join(body.split()), kind


def test_saving_the_paper_is_audited(admin_client, world):
    resp = admin_client.post(f"{PREFIX}/mau-giay-khen?don_vi={world.commune.id}", data={
        "issuer_line": "Ban Thường vụ", "title": "GIẤY KHEN", "border": "guilloche", "paper": "a5", "logo": ""})
    assert resp.status_code in (302, 303)
    s = certs.setting_for(world.commune)
    assert (s.border, s.paper) == ("guilloche", "a5")
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.after or {}).get("paper") == "a5"
    resp = admin_client.post(f"{PREFIX}/mau-giay-khen?don_vi={world.commune.id}", data={
        "title": "GIẤY KHEN", "border": "guilloche", "paper": "a3", "logo": ""})
    assert resp.status_code == 422 and certs.setting_for(world.commune).paper == "a5"
