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
