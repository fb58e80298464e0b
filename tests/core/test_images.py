"""Uploaded images (app.core.images): an SVG rebuilt from an allow-list, a PNG re-encoded from its pixels.

Every refusal or removal is paired with a positive control: the shapes a logo is made of survive.
"""
import io
import struct
import zlib
from xml.etree import ElementTree

import pytest
from PIL import Image, PngImagePlugin
from werkzeug.datastructures import FileStorage

from app.core import images
from app.core.images import ImageRefused, clean_image, clean_png, clean_svg, read_limited

SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'viewBox="0 0 100 100">')
SHAPE = '<rect id="keep" x="10" y="10" width="80" height="80" fill="#c00000"/>'


def svg(body: str, open_tag: str = SVG_OPEN) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{open_tag}{SHAPE}{body}</svg>'.encode()


def parsed(data: bytes):
    return ElementTree.fromstring(data)


def tags(data: bytes) -> list[str]:
    return [el.tag.split("}")[-1] for el in parsed(data).iter()]


def all_attribute_text(data: bytes) -> str:
    return " ".join(f"{k}={v}" for el in parsed(data).iter() for k, v in el.attrib.items())


def keeps_shape(data: bytes) -> bool:
    rect = parsed(data).find(".//{http://www.w3.org/2000/svg}rect[@id='keep']")
    return rect is not None and rect.get("fill") == "#c00000" and rect.get("width") == "80"


# --- SVG: what must go ---------------------------------------------------------------------------

def test_script_element_is_dropped():
    out = clean_svg(svg('<script>alert(1)</script><script type="text/ecmascript"><![CDATA[x()]]></script>'))
    assert "script" not in tags(out) and b"alert" not in out and keeps_shape(out)


def test_event_attributes_are_dropped():
    out = clean_svg(svg('<circle cx="5" cy="5" r="3" onclick="x()" onmouseover="y()"/>',
                        SVG_OPEN.replace(">", ' onload="alert(1)">', 1)))
    assert "onload" not in all_attribute_text(out) and "onclick" not in all_attribute_text(out)
    assert b"alert" not in out and "circle" in tags(out) and keeps_shape(out)


def test_foreign_object_is_dropped_with_its_content():
    out = clean_svg(svg('<foreignObject width="10" height="10"><p xmlns="http://www.w3.org/1999/xhtml">'
                        '<iframe src="http://example.com"></iframe>Chữ</p></foreignObject>'))
    assert "foreignObject" not in tags(out) and b"iframe" not in out and b"example.com" not in out
    assert keeps_shape(out)


@pytest.mark.parametrize("href", ["http://example.com/a.svg#x", "https://example.com/#x", "javascript:alert(1)",
                                  "data:image/svg+xml;base64,PHN2Zy8+", "file:///etc/passwd", "//example.com/x",
                                  " javascript:alert(1)"])
def test_use_keeps_only_local_references(href):
    out = clean_svg(svg(f'<use xlink:href="{href}"/><use href="{href}"/><use xlink:href="#keep" x="5"/>'))
    hrefs = [v for el in parsed(out).iter() for k, v in el.attrib.items() if k.endswith("href")]
    assert hrefs == ["#keep"]  # the local one kept (the positive control), both foreign ones gone
    assert tags(out).count("use") == 3
    assert b"example.com" not in out and b"javascript" not in out and b"data:" not in out
    assert keeps_shape(out)


def test_image_element_with_a_file_reference_is_dropped():
    out = clean_svg(svg('<image href="file:///etc/passwd" width="10" height="10"/>'
                        '<image xlink:href="http://example.com/x.png" width="10" height="10"/>'))
    assert "image" not in tags(out) and b"passwd" not in out and b"example.com" not in out and keeps_shape(out)


def test_links_become_groups_without_their_href():
    out = clean_svg(svg('<a href="javascript:alert(1)"><circle id="c" cx="5" cy="5" r="3"/></a>'))
    assert "a" not in tags(out) and "circle" in tags(out) and b"javascript" not in out and keeps_shape(out)


def test_paint_pointing_outside_the_file_is_dropped():
    out = clean_svg(svg('<circle id="c1" cx="5" cy="5" r="3" fill="url(http://example.com/p.svg#g)"/>'
                        '<circle id="c2" cx="5" cy="5" r="3" fill="url(#g)" filter="url(\'file:///x\')"/>'
                        '<linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'))
    root = parsed(out)
    c1, c2 = (root.find(f".//{{http://www.w3.org/2000/svg}}circle[@id='{i}']") for i in ("c1", "c2"))
    assert c1.get("fill") is None and c2.get("fill") == "url(#g)" and c2.get("filter") is None
    assert b"example.com" not in out and b"file:" not in out and "linearGradient" in tags(out)


def test_style_element_drops_imports_external_urls_and_expressions():
    css = ('@import url(http://example.com/evil.css); @import "x.css";'
           '@font-face { font-family: X; src: url(http://example.com/f.woff) }'
           '.a { fill: #00aa00; background: url(http://example.com/t.png) }'
           '.b { fill: url(#g); stroke: u\\72l(http://example.com/e) }'
           '.c { width: expression(alert(1)); fill: blue }'
           '.d { fill: url(data:image/png;base64,AAAA) }')
    out = clean_svg(svg(f'<style>{css}</style>'))
    style = parsed(out).find("{http://www.w3.org/2000/svg}style").text
    assert "@import" not in style and "@font-face" not in style and "example.com" not in style
    assert "expression" not in style and "data:" not in style and "72l" not in style
    assert ".a{fill:#00aa00}" in style and ".b{fill:url(#g)}" in style and ".c{fill:blue}" in style  # kept


def test_style_attribute_keeps_drawing_properties_only():
    out = clean_svg(svg('<circle id="c" cx="5" cy="5" r="3" '
                        'style="fill:#123456;background-image:url(http://example.com/x);'
                        'stroke:url(&quot;https://example.com&quot;);behavior:url(x.htc);stroke-width:2"/>'))
    style = parsed(out).find(".//{http://www.w3.org/2000/svg}circle").get("style")
    assert style == "fill:#123456;stroke-width:2"


def test_doctype_with_entities_is_refused_billion_laughs():
    laughs = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10))
              + ']><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&lol9;</text></svg>')
    with pytest.raises(ImageRefused, match="DOCTYPE"):
        clean_svg(laughs.encode())


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
    "<!DOCTYPE svg>",
])
def test_any_doctype_is_refused(doctype):
    data = f'<?xml version="1.0"?>{doctype}{SVG_OPEN}{SHAPE}</svg>'.encode()
    with pytest.raises(ImageRefused, match="DOCTYPE"):
        clean_svg(data)
    assert keeps_shape(clean_svg(f'<?xml version="1.0"?>{SVG_OPEN}{SHAPE}</svg>'.encode()))  # control


def test_a_huge_file_is_refused_before_it_is_read_whole():
    class Counting(io.BytesIO):
        asked = []

        def read(self, size=-1):
            self.asked.append(size)
            return super().read(size)

    stream = Counting(b"<svg" + b" " * (2 * images.MAX_BYTES))
    with pytest.raises(ImageRefused, match=r"Tệp quá lớn \(tối đa 300 KB\)"):
        read_limited(FileStorage(stream, filename="big.svg"))
    assert Counting.asked == [images.MAX_BYTES + 1]
    small = svg("")
    assert read_limited(FileStorage(io.BytesIO(small), filename="a.svg")) == small  # control
    with pytest.raises(ImageRefused, match="Tệp quá lớn"):
        clean_image(b"<" + b" " * images.MAX_BYTES)


def test_missing_and_empty_files_are_refused():
    with pytest.raises(ImageRefused, match="Vui lòng chọn tệp"):
        read_limited(None)
    with pytest.raises(ImageRefused, match="Vui lòng chọn tệp"):
        read_limited(FileStorage(io.BytesIO(b""), filename=""))
    with pytest.raises(ImageRefused, match="trống"):
        read_limited(FileStorage(io.BytesIO(b""), filename="a.svg"))


def test_too_many_elements_and_too_deep_nesting_are_refused():
    with pytest.raises(ImageRefused, match="quá phức tạp"):
        clean_svg(svg('<circle r="1"/>' * (images.MAX_ELEMENTS + 1)))
    with pytest.raises(ImageRefused, match="quá sâu"):
        clean_svg(svg("<g>" * (images.MAX_DEPTH + 1) + "</g>" * (images.MAX_DEPTH + 1)))
    assert "circle" in tags(clean_svg(svg('<circle r="1"/>' * 100)))  # control
    assert keeps_shape(clean_svg(svg("<g>" * 10 + "</g>" * 10)))


@pytest.mark.parametrize("data, message", [
    (b"hello, not an image", "không phải ảnh PNG hoặc SVG"),
    (b"<html><body>x</body></html>", "không phải ảnh SVG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "không đúng định dạng XML"),
    (b"<svg><rect/></svg>", "không phải ảnh SVG"),  # no SVG namespace: an HTML fragment, not SVG
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', "viewBox"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 10"><rect/></svg>', "viewBox"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="10"><rect/></svg>', "viewBox"),
])
def test_not_an_svg_is_refused(data, message):
    with pytest.raises(ImageRefused, match=message):
        clean_image(data)


def test_width_and_height_make_the_view_box():
    out = clean_image(b'<svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="25mm"><rect/></svg>')
    assert parsed(out.data).get("viewBox") == f"0 0 {50 * 96 / 25.4:g} {25 * 96 / 25.4:g}"
    assert out.mime == "image/svg+xml" and round(out.width / out.height) == 2


def test_a_clean_svg_keeps_its_drawing():
    source = svg('<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#fff"/>'
                 '<stop offset="1" stop-color="#c00"/></linearGradient><clipPath id="cp"><circle r="40"/></clipPath>'
                 '</defs><g transform="translate(5 5)" clip-path="url(#cp)"><path d="M0 0 L10 10 Z" '
                 'stroke="#000" stroke-width="2" fill="url(#g)"/><ellipse cx="5" cy="5" rx="3" ry="2"/>'
                 '<polygon points="0,0 5,5 0,5"/><polyline points="0,0 5,5"/><line x1="0" y1="0" x2="5" y2="5"/>'
                 '</g><text x="50" y="95" text-anchor="middle" font-size="8">Hội Khuyến học <tspan '
                 'font-weight="bold">Tân Phú</tspan> xã</text><title>Biểu trưng</title>'
                 '<use xlink:href="#keep" transform="scale(0.5)"/>')
    out = clean_svg(source)
    assert set(tags(out)) >= {"svg", "defs", "linearGradient", "stop", "clipPath", "g", "path", "ellipse",
                              "polygon", "polyline", "line", "text", "tspan", "title", "use", "rect", "circle"}
    root = parsed(out)
    assert root.get("viewBox") == "0 0 100 100" and keeps_shape(out)
    assert "".join(root.find("{http://www.w3.org/2000/svg}text").itertext()) == "Hội Khuyến học Tân Phú xã"
    path = root.find(".//{http://www.w3.org/2000/svg}path")
    assert path.get("d") == "M0 0 L10 10 Z" and path.get("fill") == "url(#g)"
    assert out == clean_svg(out)  # cleaning is stable: a cleaned file passes through unchanged


def test_editor_namespaces_are_dropped():
    out = clean_svg(svg('<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"/>'
                        '<metadata><x:rdf xmlns:x="urn:x">secret author</x:rdf></metadata>',
                        SVG_OPEN.replace(">", ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
                                         'inkscape:version="1.3">', 1)))
    assert b"sodipodi" not in out and b"inkscape" not in out and b"secret" not in out and keeps_shape(out)


# --- PNG ---------------------------------------------------------------------------------------

def png(size=(40, 20), mode="RGBA", color=(200, 0, 0, 255), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG", **save)
    return buffer.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_png_text_and_metadata_chunks_are_stripped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "the uploader's secret")
    info.add_itxt("Author", "Nguyễn Văn A")
    source = png(pnginfo=info, dpi=(300, 300), exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00")
    assert b"tEXt" in source and b"iTXt" in source and b"eXIf" in source  # the control: they were there
    out = clean_png(source)
    kinds = _chunk_kinds(out)
    assert set(kinds) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}, kinds
    with Image.open(io.BytesIO(out)) as img:
        assert img.size == (40, 20) and img.convert("RGBA").getpixel((5, 5)) == (200, 0, 0, 255)


def _chunk_kinds(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kinds.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return kinds


def test_png_is_scaled_down_to_the_longest_side_kept():
    out = clean_image(png((1600, 400), "RGB", (0, 0, 200)))
    assert (out.width, out.height) == (1000, 250) and out.mime == "image/png"
    small = clean_image(png((300, 200)))
    assert (small.width, small.height) == (300, 200)  # control: a small logo keeps its size


@pytest.mark.parametrize("size", [(2001, 10), (10, 2001)])
def test_png_too_wide_or_too_tall_is_refused(size):
    with pytest.raises(ImageRefused, match="Ảnh quá lớn"):
        clean_png(png(size, "L", 0))
    assert clean_png(png((2000, 10), "L", 0))  # control: the limit itself is accepted


def test_png_decompression_bomb_is_refused_from_its_header():
    # 100000 × 100000 declared, a few bytes of data: refused before a pixel is decoded.
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    bomb = (images.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
            + chunk(b"IEND", b""))
    with pytest.raises(ImageRefused, match="Ảnh quá lớn"):
        clean_image(bomb)


def test_jpeg_and_gif_are_refused_naming_the_kinds_allowed():
    for fmt in ("JPEG", "GIF"):
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format=fmt)
        with pytest.raises(ImageRefused, match="chỉ nhận ảnh PNG hoặc SVG"):
            clean_image(buffer.getvalue())


def test_truncated_or_damaged_png_is_refused():
    good = png((200, 200), "RGB", (1, 2, 3))
    assert clean_png(good)  # control
    with pytest.raises(ImageRefused, match="bị hỏng"):
        clean_png(good[: len(good) // 2])
    damaged = bytearray(good)
    damaged[40] ^= 0xFF  # inside the IDAT: its checksum no longer matches
    with pytest.raises(ImageRefused, match="bị hỏng"):
        clean_png(bytes(damaged))
    with pytest.raises(ImageRefused, match="bị hỏng"):
        clean_png(images.PNG_SIGNATURE + b"garbage")


def test_palette_and_grey_pngs_are_kept_with_their_transparency():
    buffer = io.BytesIO()
    paletted = Image.new("P", (30, 30), 1)
    paletted.putpalette([0, 0, 0, 200, 0, 0])
    paletted.putpixel((0, 0), 0)
    paletted.save(buffer, format="PNG", transparency=1)
    out = clean_image(buffer.getvalue())
    with Image.open(io.BytesIO(out.data)) as img:
        assert img.convert("RGBA").getpixel((1, 1))[3] == 0
        assert img.convert("RGBA").getpixel((0, 0)) == (0, 0, 0, 255)  # control: the opaque pixel
    grey = clean_image(png((30, 30), "L", 128))
    with Image.open(io.BytesIO(grey.data)) as img:
        assert img.mode == "L" and img.getpixel((1, 1)) == 128


def _svg_with_defs(defs: str, body: str) -> bytes:
    return f'{SVG_OPEN}<defs>{defs}</defs>{SHAPE}{body}</svg>'.encode()


def test_use_bombs_and_reference_loops_are_refused():
    # Ten <use> of the level below, nine levels: 10^9 rectangles drawn from ~100 elements.
    levels = '<rect id="a0" width="1" height="1"/>' + "".join(
        f'<g id="a{i}">' + f'<use xlink:href="#a{i - 1}"/>' * 10 + "</g>" for i in range(1, 10))
    with pytest.raises(ImageRefused, match="quá phức tạp"):
        clean_svg(_svg_with_defs(levels, '<use xlink:href="#a9"/>'))
    with pytest.raises(ImageRefused, match="tự tham chiếu"):
        clean_svg(_svg_with_defs('<g id="g"><use xlink:href="#g"/></g>', ""))
    with pytest.raises(ImageRefused, match="tự tham chiếu"):
        clean_svg(_svg_with_defs('<linearGradient id="a" xlink:href="#b"/><linearGradient id="b" xlink:href="#a"/>', ""))
    chain = '<linearGradient id="l0"/>' + "".join(f'<linearGradient id="l{i}" xlink:href="#l{i - 1}"/>'
                                                  for i in range(1, 2000))
    with pytest.raises(ImageRefused, match="quá phức tạp"):
        clean_svg(_svg_with_defs(chain, ""))
    # Control: a few levels of reuse (a border of repeated flowers) are fine.
    few = '<circle id="p" r="1"/>' + '<g id="row">' + '<use xlink:href="#p"/>' * 10 + "</g>"
    out = clean_svg(_svg_with_defs(few, '<use xlink:href="#row"/>' * 10))
    assert tags(out).count("use") == 20 and keeps_shape(out)
