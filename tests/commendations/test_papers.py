"""Issue 14 E, the papers: counts of tập thể / cá nhân from the real kinds, certificate wording per
kind (no "Đã có thành tích: Học bổng ...", the school year once, a balanced page), the attached
list's columns fitting their content. Read back as a reader sees them (poppler)."""
import shutil
import subprocess
import unicodedata

import pytest

from app.commendations import documents, queries
from tests.factories_commendations import add, make_decision

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdftoppm")),
                                reason="poppler-utils missing")


def _text(pdf, tmp_path, *args):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFC", out)


def _flat(text):
    return " ".join(text.split())


def test_decision_counts_individuals_and_collectives_from_their_kinds(world, tmp_path):
    pupils = make_decision(world.commune)
    for name in ("Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường"):
        add(pupils, name)
    text = _flat(_text(documents.decision_pdf(pupils), tmp_path))
    assert "Tặng Giấy khen cho 3 cá nhân có tên trong danh sách" in text
    assert "tập thể" not in text  # nobody on the list is a collective: Điều 3 names the cá nhân only
    assert "các cá nhân có tên tại Điều 1" in text

    mixed = make_decision(world.commune)
    add(mixed, "Dòng họ Nguyễn", "Dòng họ học tập", kind="clan")
    add(mixed, "Ấp Tân Lộc", "Cộng đồng học tập", kind="community")
    add(mixed, "Lê Văn An", amount=200_000)  # prize money: the list ends with its total row
    add(mixed, "Nguyễn Văn Tư", "Gia đình học tập", kind="family")
    assert queries.people_counts(mixed) == {"collective": 2, "family": 1, "person": 1}
    text = _flat(_text(documents.decision_pdf(mixed), tmp_path))
    assert "Tặng Giấy khen cho 2 tập thể, 1 gia đình và 1 cá nhân có tên" in text
    listed = _flat(_text(documents.list_pdf(mixed), tmp_path))
    assert "Tổng cộng: 2 tập thể, 1 gia đình và 1 cá nhân" in listed
    assert "DANH SÁCH TẬP THỂ, GIA ĐÌNH VÀ CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in listed


def test_people_text_reads_like_a_decision():
    assert queries.people_text({"collective": 0, "family": 0, "person": 183}) == "183 cá nhân"
    assert queries.people_text({"collective": 2, "family": 0, "person": 40}) == "2 tập thể và 40 cá nhân"
    assert queries.people_text({"collective": 2, "family": 0, "person": 40}, numbers=False) == "tập thể và cá nhân"


def _words(pdf, tmp_path):
    """[(word, xMin, yMin, xMax)] of the first page, from pdftotext -bbox."""
    import re

    html = _text(pdf, tmp_path, "-bbox", "-f", "1", "-l", "1")
    return [(w, float(x0), float(y0), float(x1)) for x0, y0, x1, w in
            re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', html)]


@pytest.mark.parametrize("amount,goods", [(0, None), (500_000, None), (500_000, "2")])
def test_attached_list_dates_stay_inside_the_birth_column(world, tmp_path, amount, goods):
    """Issue 14 E: "15/12/2012" overflowed "Ngày sinh" into the next column; now it stays on one line, inside."""
    d = make_decision(world.commune)
    extra = {"goods_item": "vở", "goods_unit": "quyển", "goods_quantity": goods} if goods else {}
    add(d, "Nguyễn Thị Ánh", "Học sinh giỏi", place="Lớp 6A1, Trường THCS Lai Vung", birth_text="15/12/2012",
        amount=amount, **extra)
    words = _words(documents.list_pdf(d), tmp_path)
    (date,) = [w for w in words if w[0] == "15/12/2012"]  # one word: never broken over two lines
    heading = next(w for w in words if w[0] == "Ngày")
    place = next(w for w in words if w[0] == "Lớp" and abs(w[2] - date[2]) < 2)  # same line, next column
    assert date[3] < place[1] - 3  # ends before the next column's text (with its padding)
    assert heading[1] - 20 < date[1]  # and starts within the birth column, under its heading
    columns = documents.list_columns("Lớp, trường / thôn", bool(amount), bool(goods),
                                     [{"birth": "15/12/2012", "note": ""}])
    assert round(sum(c.width for c in columns)) == 100


def test_attached_list_leaves_out_an_empty_birth_column_and_zero_amounts(world, tmp_path):
    d = make_decision(world.commune)
    add(d, "Dòng họ Nguyễn", "Dòng họ học tập", kind="clan")
    add(d, "Lê Văn An", amount=300_000)
    text = _text(documents.list_pdf(d), tmp_path)
    assert "Ngày sinh" not in text  # nobody has a birth date: no empty column
    assert "300.000" in text and "\n0\n" not in text  # a line without prize money prints no "0"


# ---- certificate wording (issue 14 E) --------------------------------------------------------

@pytest.mark.parametrize("kind,achievement,expected", [
    ("scholarship", "Học bổng khuyến khích năm học 2025-2026", "Đã được nhận Học bổng khuyến khích năm học 2025-2026"),
    ("achievement", "Học sinh giỏi cấp huyện", "Đã có thành tích: Học sinh giỏi cấp huyện"),
    # the assessments write the whole sentence: the lead is not said twice
    ("title", "Đạt danh hiệu “Dòng họ học tập” năm 2026 (85 điểm)",
     "Đạt danh hiệu “Dòng họ học tập” năm 2026 (85 điểm)"),
    ("title", "“Gia đình học tập” năm 2026", "Đạt danh hiệu “Gia đình học tập” năm 2026"),
    # "Đã có ...: Đã ủng hộ ..." drops the second "Đã"
    ("donor", "Đã ủng hộ 5.000.000 đ cho Đợt vận động Tết 2026",
     "Đã có nhiều đóng góp cho sự nghiệp khuyến học, khuyến tài: ủng hộ 5.000.000 đ cho Đợt vận động Tết 2026"),
    ("donor", "", "Đã có nhiều đóng góp cho sự nghiệp khuyến học, khuyến tài"),
    ("volunteer", "Đạt giải Nhất hội thi", "Đạt giải Nhất hội thi"),
])
def test_default_wording_per_kind_never_repeats_itself(kind, achievement, expected):
    from app.commendations import certificates as certs

    assert certs.certificate_text(certs.DEFAULT_WORDING[kind], achievement) == expected


def test_a_unit_rewords_a_kind_and_the_mark_places_the_text():
    from app.commendations import certificates as certs

    assert certs.certificate_text("Được trao [thành tích] của Hội", "Học bổng vượt khó") == \
        "Được trao Học bổng vượt khó của Hội"
    assert certs.certificate_text("[thành tích], góp phần xây dựng xã hội học tập", "") == \
        "Góp phần xây dựng xã hội học tập"
    assert certs.certificate_text("Có nhiều đóng góp", "bất kỳ") == "Có nhiều đóng góp"  # no mark: as written


def _bbox_words(pdf, tmp_path, page):
    import re

    html = _text(pdf, tmp_path, "-bbox", "-f", str(page), "-l", str(page))
    return [(w, float(y0), float(y1)) for y0, y1, w in
            re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', html)]


def test_certificates_word_each_kind_print_the_school_year_once_and_balance_the_page(world, tmp_path):
    from app.commendations import certificates as certs

    d = make_decision(world.commune)  # school year 2025-2026
    add(d, "Nguyễn Thị Ánh", "Học bổng khuyến khích năm học 2025-2026", place="Lớp 6A1")
    add(d, "Lê Văn An", "Học sinh giỏi cấp huyện", place="Lớp 7A")
    add(d, "Dòng họ Nguyễn", "Đạt danh hiệu “Dòng họ học tập” năm 2026 (85 điểm)", kind="clan")
    pdf = documents.certificates_pdf(certs.certificates_of(d))
    pages = [_flat(p) for p in _text(pdf, tmp_path).split("\f") if p.strip()]
    by_name = {name: next(p for p in pages if name in p) for name in ("Ánh", "Lê Văn An", "Dòng họ Nguyễn")}
    scholarship = by_name["Ánh"]
    assert "Đã được nhận Học bổng khuyến khích năm học 2025-2026" in scholarship
    assert "thành tích" not in scholarship  # a scholarship is not an achievement
    assert scholarship.count("2025-2026") == 1  # the school year once
    assert "Đã có thành tích: Học sinh giỏi cấp huyện" in by_name["Lê Văn An"]
    assert by_name["Lê Văn An"].count("2025-2026") == 1  # on its own line, since the text does not name it
    assert "Đạt danh hiệu “Dòng họ học tập” năm 2026" in by_name["Dòng họ Nguyễn"]
    assert "Đạt danh hiệu Đạt" not in by_name["Dòng họ Nguyễn"] and "thành tích" not in by_name["Dòng họ Nguyễn"]
    # Balanced: the honour sits midway between the header and the signature, no empty band below it.
    for page in range(1, 4):
        words = _bbox_words(pdf, tmp_path, page)
        issuer_bottom = max(y1 for w, y0, y1 in words if w == "PHÚ")  # "... XÃ TÂN PHÚ"
        give_top = next(y0 for w, y0, y1 in words if w == "TẶNG")
        date_top = next(y0 for w, y0, y1 in words if w == "ngày")  # "Lai Vung, ngày 05 tháng 02 năm 2026"
        last_bottom = max(y1 for w, y0, y1 in words if give_top <= y0 < date_top - 5)
        above, below = give_top - issuer_bottom, date_top - last_bottom
        assert max(above, below) < 90 and abs(above - below) < 35, (page, above, below)  # points


def test_wording_saved_per_kind_in_the_certificate_settings(world, tmp_path):
    from app.commendations import certificates as certs
    from app.extensions import db

    certs.save_setting(world.commune, issuer_line="", title="GIẤY KHEN", border="classic", logo="",
                       signer_title="", signer_name="", place="",
                       wording={"scholarship": "Được trao [thành tích] của Hội Khuyến học xã",
                                "achievement": certs.DEFAULT_WORDING["achievement"], "title": "  "})
    db.session.commit()
    s = certs.setting_for(world.commune)
    assert s.wording == {"scholarship": "Được trao [thành tích] của Hội Khuyến học xã"}  # defaults kept as none
    d = make_decision(world.commune)
    add(d, "Nguyễn Thị Ánh", "Học bổng vượt khó")
    (c,) = certs.certificates_of(d)
    assert c["achievement"] == "Được trao Học bổng vượt khó của Hội Khuyến học xã"


def test_a_line_from_a_scholarship_round_names_its_scholarship_not_the_reason(world):
    """The nomination's text is why the pupil was chosen ("Nhà khó khăn, học tốt"); the certificate
    says what was received, with the round's school year once."""
    from app.commendations import bulk
    from app.commendations import certificates as certs
    from app.extensions import db
    from app.scholarships import services as scholarships
    from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round

    rnd = make_round(world.commune)
    cat = make_category(rnd, 500_000, name="Học bổng vượt khó")
    n = make_nomination(rnd, make_pupil(world.commune, "Tôn Nữ Thị Minh Khuê"), cat,
                        achievement="Nhà khó khăn, học tốt")
    scholarships.approve(rnd, [n])
    db.session.commit()
    d = make_decision(world.commune)  # school year 2025-2026, the round's too
    assert rnd.school_year == d.school_year
    bulk.from_nominations(d, rnd)
    db.session.commit()
    (c,) = certs.certificates_of(d)
    assert c["achievement"] == f"Đã được nhận Học bổng vượt khó năm học {rnd.school_year}"
    assert c["school_year"] == ""  # the sentence names the year already
    h = d.honorees[0]
    assert certs.certificate_of(h)["achievement"] == c["achievement"]  # the preview words it the same way
