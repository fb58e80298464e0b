"""The print fetcher's data: URLs (a unit's uploaded logo): PNG and SVG only, bounded, nothing else.

An SVG shown through a data: URL is itself a document that may name other files; two layers keep them
out: app.core.images removes the references when the logo is uploaded, and the fetcher refuses them
when a PDF is drawn. Both are checked here, each with a positive control (the logo's red square drawn).
"""
import base64
import io
import shutil
import socket
import subprocess

import pytest
from PIL import Image

from app import create_app
from app.core.images import clean_svg
from app.printing import engine
from app.printing.engine import BASE_URL, ResourceRefused, StaticOnlyFetcher

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdfimages", "pdftoppm")),
                                reason="poppler-utils not installed")

RED = (220, 0, 0)
SVG_LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
            '<rect width="10" height="10" fill="#dc0000"/>{extra}</svg>')
EXTERNAL = ('<image href="http://example.com/x.png" width="5" height="5"/>'
            '<image xlink:href="file:///etc/passwd" width="5" height="5"/>'
            '<use href="http://example.com/other.svg#a"/>')
# WeasyPrint 70 gives up on a whole SVG whose <style> has an @import (nothing fetched, nothing drawn);
# cleaned, the same logo draws.
IMPORT = '<style>@import url(http://example.com/evil.css); rect { stroke: none }</style>'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("data_urls") / "t.db"
    flask_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}"})
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted during PDF rendering")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def png_bytes(size=(60, 30), color=RED) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(mime: str, body: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(body).decode()}"


def page_html(src: str) -> str:
    return (f'<html><head><style>@page {{ size: 100mm 60mm; margin: 0 }} body {{ margin: 0 }}'
            f' img {{ position: absolute; left: 10mm; top: 10mm; width: 30mm; height: 30mm }}</style></head>'
            f'<body><img src="{src}" alt=""></body></html>')


def red_share(pdf: bytes, tmp_path) -> float:
    """The share of the page's pixels that are the logo's red (the logo covers 15 % of the page)."""
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(tmp_path / "p.pdf"), str(tmp_path / "p")],
                   check=True)
    with Image.open(tmp_path / "p.png") as img:
        rgb = img.convert("RGB")
        pixels = [rgb.getpixel((x, y)) for y in range(rgb.height) for x in range(rgb.width)]
    return sum(1 for r, g, b in pixels if r > 180 and g < 60 and b < 60) / len(pixels)


def images_listed(pdf: bytes, tmp_path) -> list[list[str]]:
    (tmp_path / "i.pdf").write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(tmp_path / "i.pdf")], check=True, capture_output=True,
                         text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def test_fetcher_reads_png_and_svg_data_urls(app, no_network):
    body = png_bytes()
    response = StaticOnlyFetcher(app.static_folder).fetch(data_url("image/png", body))
    assert response.content_type == "image/png" and response.read() == body
    svg = SVG_LOGO.format(extra="").encode()
    response = StaticOnlyFetcher(app.static_folder).fetch(data_url("image/svg+xml", svg))
    assert response.content_type == "image/svg+xml" and response.read() == svg


@pytest.mark.parametrize("url", [
    "data:text/html;base64," + base64.b64encode(b"<script>alert(1)</script>").decode(),
    "data:text/html,<p>x</p>",
    "data:text/css,@import url(http://example.com/x.css);",
    "data:application/octet-stream;base64,AAAA",
    "data:font/ttf;base64,AAAA",
    "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff").decode(),
    "data:image/png;base64,@@not base64@@",
    "data:image/png;base64",  # no comma: no data at all
    "DATA:text/html,<p>x</p>",
    "http://example.com/logo.png",
    "file:///etc/passwd",
])
def test_fetcher_refuses_other_data_urls_and_foreign_urls(app, no_network, url):
    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher(app.static_folder).fetch(url)


def test_fetcher_refuses_a_data_url_too_large(app, no_network, monkeypatch):
    monkeypatch.setattr(engine, "MAX_DATA_BYTES", 1000)
    with pytest.raises(ResourceRefused, match="too large"):
        StaticOnlyFetcher(app.static_folder).fetch(data_url("image/png", b"\x89PNG" + b"\x00" * 2000))
    assert StaticOnlyFetcher(app.static_folder).fetch(data_url("image/png", b"\x89PNG" + b"\x00" * 500))  # control
    with pytest.raises(ResourceRefused, match="too large"):  # percent-encoded, not base64
        StaticOnlyFetcher(app.static_folder).fetch("data:image/svg+xml," + "%20" * 1100)


def test_a_png_data_url_renders_as_an_image(app, no_network, tmp_path):
    pdf = engine.html_to_pdf(page_html(data_url("image/png", png_bytes((60, 30)))))
    listed = images_listed(pdf, tmp_path)
    assert len(listed) == 1 and listed[0][3:5] == ["60", "30"], listed
    assert red_share(pdf, tmp_path) > 0.05
    refused = engine.html_to_pdf(page_html("data:text/html;base64," + base64.b64encode(b"<b>x</b>").decode()))
    assert images_listed(refused, tmp_path) == [] and red_share(refused, tmp_path) == 0


def test_an_svg_data_url_is_drawn_and_its_own_references_are_refused(app, no_network, tmp_path, caplog):
    """The second layer alone: an SVG that was not cleaned still cannot reach out of the print."""
    raw = SVG_LOGO.format(extra=EXTERNAL).encode()
    pdf = engine.html_to_pdf(page_html(data_url("image/svg+xml", raw)))
    assert red_share(pdf, tmp_path) > 0.05  # the logo itself is drawn
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "http://example.com/x.png" in refused and "file:///etc/passwd" in refused
    assert "ResourceRefused" in refused


def test_a_cleaned_svg_names_nothing_outside_and_still_draws(app, no_network, tmp_path, caplog):
    """The first layer: the cleaned logo has no reference left for the fetcher to refuse."""
    cleaned = clean_svg(SVG_LOGO.format(extra=EXTERNAL + IMPORT).encode())
    assert b"example.com" not in cleaned and b"file:" not in cleaned and b"@import" not in cleaned
    pdf = engine.html_to_pdf(page_html(data_url("image/svg+xml", cleaned)))
    assert red_share(pdf, tmp_path) > 0.05
    assert not [r for r in caplog.records if "ResourceRefused" in r.getMessage()]


def test_static_files_still_served(app, no_network):
    response = StaticOnlyFetcher(app.static_folder).fetch(BASE_URL + "css/print-fonts.css")
    assert response.content_type == "text/css"
