"""SVG charts: well-formed XML, titled, one row per item with the right value, text escaped."""
import xml.etree.ElementTree as ET

from app.reports.charts import WIDTH, Bar, bar_chart

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_chart_is_valid_svg_with_title_desc_and_one_row_per_bar():
    svg = _parse(bar_chart("c1", "Tiền vận động theo tháng", [
        Bar("Tháng 9/2026", 111_050_000, href="/quyen-gop/?tu_ngay=2026-09-01&den_ngay=2026-09-30"),
        Bar("Tháng 10/2026", 1_500_000), Bar("Tháng 11/2026", 0)]))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    # A bar is a link, so the chart is a group (an img's links would be hidden from screen readers).
    assert svg.get("role") == "group" and svg.get("aria-labelledby") == "c1-t c1-d"
    assert _parse(bar_chart("c2", "Không có liên kết", [Bar("Tháng 9/2026", 1)])).get("role") == "img"
    assert svg.find("s:title", NS).text == "Tiền vận động theo tháng"
    assert svg.find("s:text", NS).text == "Tiền vận động theo tháng"  # also written, not only announced
    assert "Tháng 9/2026: 111.050.000 đ" in svg.find("s:desc", NS).text
    rows = svg.findall(".//s:g", NS)
    assert [r.find("s:title", NS).text for r in rows] == [
        "Tháng 9/2026: 111.050.000 đ", "Tháng 10/2026: 1.500.000 đ", "Tháng 11/2026: 0 đ"]
    assert [[t.text for t in r.findall("s:text", NS)] for r in rows] == [
        ["Tháng 9/2026", "111.050.000 đ"], ["Tháng 10/2026", "1.500.000 đ"], ["Tháng 11/2026", "0 đ"]]
    # The link keeps its query string (& escaped in the markup, & again once parsed).
    link = svg.find("s:a", NS)
    assert link.get("href") == "/quyen-gop/?tu_ngay=2026-09-01&den_ngay=2026-09-30"


def test_bar_lengths_are_proportional_to_the_values():
    svg = _parse(bar_chart("c2", "t", [Bar("a", 400), Bar("b", 100), Bar("c", 0)]))
    widths = [float(g.find("s:rect", NS).get("width")) for g in svg.findall(".//s:g", NS)]
    assert abs(widths[1] - widths[0] / 4) < 0.1 and widths[2] == 0
    # The longest bar and its value text fit in the drawing.
    value = svg.findall(".//s:g", NS)[0].findall("s:text", NS)[1]
    assert float(value.get("x")) + len(value.text) * 7.9 <= WIDTH
    assert float(svg.get("viewBox").split()[2]) == WIDTH


def test_hostile_labels_stay_text_and_the_svg_stays_well_formed():
    evil = '</text><script>alert("x")</script>&amp; “Chi hội” <b>'
    markup = str(bar_chart('c"3', "Đơn vị <b>", [Bar(evil, 5, href='/x?a=1&b="2"')]))
    assert "<script>" not in markup and "<b>" not in markup
    svg = _parse(markup)
    assert svg.find(".//s:g/s:title", NS).text == evil + ": 5 đ"
    assert svg.find("s:title", NS).text == "Đơn vị <b>"
    assert svg.find("s:a", NS).get("href") == '/x?a=1&b="2"'


def test_long_labels_are_shortened_but_the_title_keeps_them_whole():
    name = "Ban Khuyến học Trường Trung học cơ sở Nguyễn Văn Trỗi xã Lai Vung tỉnh Đồng Tháp"
    svg = _parse(bar_chart("c4", "t", [Bar(name, 1)]))
    label = svg.find(".//s:g/s:text", NS).text
    assert label.endswith("…") and len(label) <= 40
    assert svg.find(".//s:g/s:title", NS).text.startswith(name)


def test_custom_value_text_is_written_and_empty_chart_says_so():
    svg = _parse(bar_chart("c5", "t", [Bar("THCS", 2_400_000, text="3 suất · 2.400.000 đ")]))
    assert svg.findall(".//s:g/s:text", NS)[1].text == "3 suất · 2.400.000 đ"
    empty = _parse(bar_chart("c6", "t", []))
    assert [t.text for t in empty.findall("s:text", NS)] == ["t", "Chưa có số liệu."]
