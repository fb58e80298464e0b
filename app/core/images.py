"""Images people upload (a unit's logo today, member cards later): read bounded, checked, rebuilt.

An uploaded image ends up inside PDFs and pages the app makes, so what is kept is never the file as
sent but a copy rebuilt from what is known to be harmless:

- SVG is XML that can carry scripts, event handlers, external references (http:, file:, data:) and
  entity bombs. It is parsed with defusedxml (any DOCTYPE or ENTITY refused outright: no billion
  laughs, no external entities), then written anew from an allow-list of drawing elements and
  attributes; every reference must point inside the file ("#id"), CSS keeps only drawing properties.
- PNG is opened by Pillow only after its header says it is small enough (no decompression bomb),
  decoded whole (a truncated or damaged file is refused), then encoded again from the pixels: text,
  EXIF and ICC chunks do not survive, and the picture is scaled down to what a print needs.

    read_limited(file_storage, limit) -> bytes   at most `limit` bytes read; bigger files refused
    clean_svg(data) -> bytes / clean_png(data) -> bytes
    clean_image(data) -> CleanImage               either of the two, by what the bytes are
Every refusal is an ImageRefused (a Refusal) with a Vietnamese message.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from app.core.refusal import Refusal

MAX_BYTES = 300 * 1024  # an upload, either kind
MAX_ELEMENTS = 5000
MAX_DEPTH = 40
MAX_PIXELS_SIDE = 2000  # a PNG's width or height as uploaded
KEEP_SIDE = 1000  # longest side kept (a 24 mm logo at 1000 px is over 1000 dpi)
MAX_OUTPUT = 600 * 1024  # a re-encoded PNG
KINDS = "PNG hoặc SVG"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageRefused(Refusal):
    """An uploaded image the app will not keep; str(err) says why, in Vietnamese."""


@dataclass(frozen=True)
class CleanImage:
    mime: str  # "image/svg+xml" or "image/png"
    data: bytes
    width: float | None  # px (PNG) or viewBox units (SVG)
    height: float | None


def _kb(n: int) -> str:
    return f"{n // 1024} KB"


def read_limited(file_storage, limit: int = MAX_BYTES) -> bytes:
    """The uploaded file's bytes; never more than limit + 1 are read from the stream."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise ImageRefused(f"Vui lòng chọn tệp ảnh ({KINDS}).")
    data = file_storage.read(limit + 1)
    if not data:
        raise ImageRefused("Tệp tải lên trống.")
    if len(data) > limit:
        raise ImageRefused(f"Tệp quá lớn (tối đa {_kb(limit)}).")
    return data


def clean_image(data: bytes) -> CleanImage:
    """A PNG or an SVG, told apart by their first bytes (never by the file name); others refused."""
    if len(data) > MAX_BYTES:
        raise ImageRefused(f"Tệp quá lớn (tối đa {_kb(MAX_BYTES)}).")
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _svg(data)
    if data.startswith((b"\xff\xd8\xff", b"GIF8", b"RIFF", b"BM")):
        raise ImageRefused(f"Ảnh JPEG, GIF, WebP hay BMP không được nhận: chỉ nhận ảnh {KINDS}.")
    raise ImageRefused(f"Chỉ nhận ảnh {KINDS}; tệp này không phải ảnh {KINDS}.")


def clean_svg(data: bytes) -> bytes:
    return _svg(data).data


def clean_png(data: bytes) -> bytes:
    return _png(data).data


# --- SVG --------------------------------------------------------------------------------------------

# Drawing elements kept; "a" becomes a group (its shapes stay, its link goes). Anything else
# (script, foreignObject, image, feImage, animate, set, iframe, editors' own elements...) is dropped
# with everything inside it.
ELEMENTS = {"svg", "g", "defs", "symbol", "title", "desc", "path", "rect", "circle", "ellipse", "line",
            "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath",
            "mask", "use", "style"}
RENAMED = {"a": "g"}
TEXT_ELEMENTS = {"text", "tspan", "title", "desc", "style"}
PAINT = {"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
         "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color",
         "display", "visibility", "font-family", "font-size", "font-weight", "font-style", "font-variant",
         "font-stretch", "text-anchor", "letter-spacing", "word-spacing", "text-decoration",
         "dominant-baseline", "alignment-baseline", "baseline-shift", "stop-color", "stop-opacity",
         "clip-path", "clip-rule", "mask", "overflow", "paint-order", "vector-effect", "white-space"}
ATTRIBUTES = PAINT | {"id", "class", "style", "transform", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
                      "r", "rx", "ry", "fx", "fy", "fr", "width", "height", "points", "viewBox",
                      "preserveAspectRatio", "dx", "dy", "rotate", "textLength", "lengthAdjust",
                      "gradientUnits", "gradientTransform", "spreadMethod", "offset", "clipPathUnits",
                      "maskUnits", "maskContentUnits", "pathLength", "version", "href", "font"}
CSS_PROPERTIES = PAINT | {"font", "transform", "transform-origin", "transform-box"}
HREF_ELEMENTS = {"use", "linearGradient", "radialGradient"}
LOCAL_REF = re.compile(r"#[A-Za-z_][\w.:-]{0,100}")
_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_SELECTOR = re.compile(r"[\w\s.#,:>*+~\[\]=\"'^$|()-]{1,500}")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_LENGTH = re.compile(rf"\s*({_NUMBER})\s*(px|pt|pc|mm|cm|in)?\s*")
_UNITS = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def _svg(data: bytes) -> CleanImage:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImageRefused("Tệp SVG có khai báo DOCTYPE hoặc ENTITY: không được phép.") from None
    except (ParseError, ValueError, UnicodeError):
        raise ImageRefused("Không đọc được tệp SVG (không đúng định dạng XML).") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageRefused(f"Tệp không phải ảnh SVG. Chỉ nhận ảnh {KINDS}.")
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise ImageRefused(f"Tệp SVG quá phức tạp (hơn {MAX_ELEMENTS} phần tử).")
    attrs = _attributes(root, "svg")
    box = _view_box(attrs)
    if box is None:
        raise ImageRefused("Tệp SVG cần có viewBox hoặc chiều rộng và chiều cao.")
    attrs["viewBox"] = " ".join(f"{v:g}" for v in box)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"']
    out += [f" {name}={quoteattr(value)}" for name, value in attrs.items()] + [">"]
    for child in root:
        _write(child, out, 1)
    out.append("</svg>")
    data = "".join(out).encode("utf-8")
    _check_expansion(data)
    return CleanImage("image/svg+xml", data, box[2], box[3])


def _check_expansion(data: bytes) -> None:
    """What a renderer draws, references followed: nested <use> (or clip paths, masks, gradients)
    pointing at groups of references grow like the billion laughs ("use bombs") from a few elements,
    and a reference to an ancestor never ends. Both are refused."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(data)  # our own output: no DOCTYPE, nothing external
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    cost: dict[int, int] = {}
    busy: set[int] = set()
    limit = MAX_ELEMENTS * 4
    refused = ImageRefused("Tệp SVG quá phức tạp (các phần tử dùng lại nhau quá nhiều lần).")

    def size(el, depth: int = 0) -> int:
        key = id(el)
        if key in cost:
            return cost[key]
        if depth > MAX_DEPTH * 4:  # a long chain of references: refused before Python's recursion limit
            raise refused
        if key in busy:
            raise ImageRefused("Tệp SVG có phần tử tự tham chiếu đến chính nó.")
        busy.add(key)
        total = 1
        refs = [el.get(f"{{{XLINK_NS}}}href", "")] + [ref for v in el.attrib.values() for _, ref in _URL.findall(v)]
        for ref in refs:
            target = by_id.get(ref.strip()[1:]) if ref.strip().startswith("#") else None
            if target is not None:
                total += size(target, depth + 1)
        for child in el:
            total += size(child, depth + 1)
            if total > limit:
                raise refused
        busy.discard(key)
        cost[key] = total
        if total > limit:
            raise refused
        return total

    size(root)


def _view_box(attrs) -> tuple[float, ...] | None:
    """The viewBox (validated), else one made from width and height in absolute units."""
    if "viewBox" in attrs:
        parts = re.split(r"[\s,]+", attrs["viewBox"].strip())
        try:
            box = tuple(float(p) for p in parts)
        except ValueError:
            return None
        return box if len(box) == 4 and box[2] > 0 and box[3] > 0 and all(abs(v) < 1e7 for v in box) else None
    sides = []
    for name in ("width", "height"):
        m = _LENGTH.fullmatch(attrs.get(name, ""))
        if not m or not 0 < float(m[1]) < 1e6:
            return None
        sides.append(float(m[1]) * _UNITS[m[2]])
    return (0.0, 0.0, *sides)


def _local(tag) -> str | None:
    """The element's SVG name; None for another namespace (an editor's own elements)."""
    if not isinstance(tag, str) or not tag.startswith(f"{{{SVG_NS}}}"):
        return None
    return tag[len(SVG_NS) + 2:]


def _write(el, out: list, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ImageRefused(f"Tệp SVG lồng nhau quá sâu (hơn {MAX_DEPTH} tầng).")
    name = _local(el.tag)
    name = RENAMED.get(name, name)
    if name not in ELEMENTS:
        return
    attrs = _attributes(el, name)
    out.append(f"<{name}" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items()) + ">")
    if name == "style":
        out.append(escape(_stylesheet(el.text or "")))
    else:
        if name in TEXT_ELEMENTS and el.text:
            out.append(escape(el.text))
        for child in el:
            _write(child, out, depth + 1)
            if name in TEXT_ELEMENTS and child.tail:
                out.append(escape(child.tail))
    out.append(f"</{name}>")


def _attributes(el, name: str) -> dict[str, str]:
    kept = {}
    for key, value in el.attrib.items():
        if key.startswith("{"):
            ns, _, local = key[1:].partition("}")
            if ns == XLINK_NS and local == "href":
                key = "href"
            elif ns == XML_NS and local == "space":
                kept["xml:space"] = "preserve" if value == "preserve" else "default"
                continue
            else:
                continue
        if key not in ATTRIBUTES or len(value) > 100_000:
            continue
        if key == "href":
            # Only a reference to an element of this file, and only where SVG uses one.
            if name in HREF_ELEMENTS and LOCAL_REF.fullmatch(value.strip()):
                kept["xlink:href"] = value.strip()
            continue
        if key == "style":
            value = _declarations(value)
            if value:
                kept[key] = value
            continue
        if _safe_value(value):
            kept[key] = value
    return kept


def _safe_value(value: str) -> bool:
    """No reference outside the file: every url(...) must be url(#id); no scheme-like text at all."""
    lowered = value.lower()
    if any(word in lowered for word in ("javascript:", "data:", "expression", "\\")):
        return False
    refs = _URL.findall(value)
    if len(refs) != len(re.findall(r"url\s*\(", lowered)):
        return False
    return all(LOCAL_REF.fullmatch(ref.strip()) for _, ref in refs)


def _declarations(text: str) -> str:
    """A style attribute or rule body: only drawing properties with safe values."""
    import tinycss2

    kept = []
    for decl in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True):
        if decl.type != "declaration" or decl.lower_name not in CSS_PROPERTIES:
            continue
        value = tinycss2.serialize(decl.value).strip()
        if not _tokens_safe(decl.value) or not _safe_value(value) or not value:
            continue
        kept.append(f"{decl.lower_name}:{value}{' !important' if decl.important else ''}")
    return ";".join(kept)


def _tokens_safe(tokens) -> bool:
    """Escapes are undone by the tokenizer, so `u\\72l(` is seen as the url() it is."""
    for t in tokens:
        if t.type == "url" and not LOCAL_REF.fullmatch(t.value.strip()):
            return False
        if t.type == "function":
            if t.lower_name not in ("rgb", "rgba", "hsl", "hsla", "url", "translate", "scale", "rotate",
                                    "matrix", "skewx", "skewy", "calc", "var"):
                return False
            if t.lower_name == "url":
                args = [a for a in t.arguments if a.type not in ("whitespace", "comment")]
                if len(args) != 1 or args[0].type != "string" or not LOCAL_REF.fullmatch(args[0].value.strip()):
                    return False
            elif not _tokens_safe(t.arguments):
                return False
        if t.type in ("() block", "[] block", "{} block") and not _tokens_safe(t.content):
            return False
    return True


def _stylesheet(css: str) -> str:
    """A <style> element's rules: plain selectors with safe declarations; every at-rule (@import,
    @font-face, @media...) dropped."""
    import tinycss2

    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        if not _SELECTOR.fullmatch(selector):
            continue
        body = _declarations(tinycss2.serialize(rule.content))
        if body:
            rules.append(f"{selector}{{{body}}}")
    return "\n".join(rules)


# --- PNG --------------------------------------------------------------------------------------------

def _png(data: bytes) -> CleanImage:
    from PIL import Image

    if not data.startswith(PNG_SIGNATURE):
        raise ImageRefused(f"Tệp không phải ảnh PNG. Chỉ nhận ảnh {KINDS}.")
    damaged = ImageRefused("Tệp PNG bị hỏng hoặc không đọc được.")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as probe:
            width, height = probe.size  # from the header only: nothing decoded yet
            if width > MAX_PIXELS_SIDE or height > MAX_PIXELS_SIDE:
                raise ImageRefused(f"Ảnh quá lớn ({width} × {height} điểm ảnh; "
                                   f"tối đa {MAX_PIXELS_SIDE} × {MAX_PIXELS_SIDE}).")
            probe.verify()  # every chunk's checksum, before a single pixel is decoded
        with Image.open(io.BytesIO(data), formats=["PNG"]) as img:
            img.load()  # a truncated picture fails here (LOAD_TRUNCATED_IMAGES stays False)
            pixels = _pixels(img)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(f"Ảnh quá lớn (tối đa {MAX_PIXELS_SIDE} × {MAX_PIXELS_SIDE} điểm ảnh).") from None
    except Exception:  # Pillow raises many kinds for a damaged file: refused, never a 500
        raise damaged from None
    if max(pixels.size) > KEEP_SIDE:
        pixels.thumbnail((KEEP_SIDE, KEEP_SIDE), Image.Resampling.LANCZOS)
    out = _encode(pixels)
    if len(out) > MAX_BYTES:  # a photo-like picture: 256 colours are plenty for a logo
        out = _encode(pixels.quantize(256, method=Image.Quantize.FASTOCTREE))
    if len(out) > MAX_OUTPUT:
        raise ImageRefused("Ảnh quá chi tiết để làm biểu trưng; vui lòng dùng ảnh nhỏ hơn hoặc ảnh SVG.")
    return CleanImage("image/png", out, *pixels.size)


def _pixels(img):
    """A new image holding only the pixels: none of the file's chunks (text, EXIF, ICC, time)."""
    from PIL import Image

    alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    mode = "RGBA" if alpha else ("L" if img.mode in ("1", "L", "I", "I;16") else "RGB")
    converted = img.convert(mode)
    fresh = Image.new(mode, converted.size)
    fresh.paste(converted)
    return fresh


def _encode(img) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


__all__ = ["ImageRefused", "CleanImage", "read_limited", "clean_image", "clean_svg", "clean_png", "MAX_BYTES"]
