"""A unit's own logo (issue 18 C): uploaded cleaned, refused when it is not a PNG or SVG, removed,
audited, and printed on the unit's certificates (read back from the PDF: pdfimages, pdftoppm)."""
import io
import shutil
import subprocess

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.commendations import certificates as certs
from app.commendations import documents, logos
from app.commendations.logo_models import CertificateLogo
from app.commendations.models import CertificateSetting
from app.extensions import db
from app.printing.services import render_pdf
from tests.conftest import login
from tests.factories import make_user
from tests.factories_commendations import add, make_decision

URL = "/khen-thuong/mau-giay-khen/bieu-trung"
GREEN = "#00c800"
SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10" onload="alert(1)">'
       f'<script>alert(2)</script><rect width="20" height="10" fill="{GREEN}"/>'
       f'<image href="http://example.com/track.png" width="1" height="1"/></svg>').encode()


def png(size=(120, 60), color=(0, 0, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(client, data: bytes, name: str, unit=None, **kw):
    url = f"{URL}?don_vi={unit.id}" if unit else URL
    return client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data", **kw)


def audit(object_type: str, action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


def logo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CertificateLogo))


@pytest.fixture
def admin(world, as_user):
    return as_user(world.users["admin"])


def saved_setting(unit) -> CertificateSetting:
    """The unit's settings saved as they are by default (a unit that has used the settings page)."""
    s = certs.setting_for(unit)
    db.session.add(s)
    db.session.commit()
    return s


def test_page_plain_and_htmx(admin, world):
    plain = admin.get(URL)
    body = plain.get_data(as_text=True)
    assert plain.status_code == 200 and "<html" in body and "Chưa có biểu trưng" in body
    assert 'enctype="multipart/form-data"' in body and 'accept=".png,.svg,image/png,image/svg+xml"' in body
    assert '<label for="file">Tệp biểu trưng (PNG hoặc SVG, tối đa 300 KB)</label>' in body
    assert 'href="/khen-thuong/mau-giay-khen?don_vi=' in body  # back to the settings
    htmx = admin.get(URL, htmx=True).get_data(as_text=True)
    assert "<html" not in htmx and 'id="logo-part"' in htmx and "Chưa có biểu trưng" in htmx


def test_svg_upload_is_cleaned_chosen_and_audited(admin, world):
    saved_setting(world.commune)
    resp = upload(admin, SVG, "logo.svg")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"{URL}?don_vi={world.commune.id}")
    logo = db.session.scalar(select(CertificateLogo))
    assert logo.unit_id == world.commune.id and logo.mime == "image/svg+xml"
    assert b"script" not in logo.data and b"alert" not in logo.data and b"example.com" not in logo.data
    assert GREEN.encode() in logo.data and (logo.width, logo.height) == (20, 10)
    assert logo.uploaded_by_id == world.users["admin"].id and len(logo.sha256) == 64
    assert certs.setting_for(world.commune).logo == logos.UPLOAD  # the saved settings print it now
    (created,) = audit("certificate_logo", "create")
    assert created.after["sha256"] == logo.sha256 and created.unit_id == world.commune.id
    (chosen,) = audit("certificate_setting")
    assert chosen.action == "update" and chosen.before["logo"] == "" and chosen.after["logo"] == "upload"
    page = admin.get(URL).get_data(as_text=True)
    src = f'{URL}/anh?don_vi={world.commune.id}&amp;v={logo.sha256[:12]}'
    assert f'src="{src}"' in page and 'width="160" height="80"' in page and "data:" not in page
    assert "Chưa có biểu trưng" not in page and "Đã lưu biểu trưng" in page
    image = admin.get(src.replace("&amp;", "&"))
    assert image.status_code == 200 and image.data == logo.data and image.mimetype == "image/svg+xml"
    assert "sandbox" in image.headers["Content-Security-Policy"] and image.headers["X-Content-Type-Options"] == "nosniff"


def test_without_saved_settings_none_are_made(admin, world):
    assert upload(admin, SVG, "logo.svg").status_code == 303 and logo_count() == 1
    assert db.session.scalar(select(func.count()).select_from(CertificateSetting)) == 0
    assert audit("certificate_setting") == [] and len(audit("certificate_logo")) == 1


def test_replacing_keeps_one_row_and_audits_both_digests(admin, world):
    saved_setting(world.commune)
    upload(admin, SVG, "logo.svg")
    first = db.session.scalar(select(CertificateLogo)).sha256
    resp = upload(admin, png(), "logo.png", htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].endswith(f"{URL}?don_vi={world.commune.id}")
    logo = db.session.scalar(select(CertificateLogo))
    assert logo_count() == 1 and logo.mime == "image/png" and (logo.width, logo.height) == (120, 60)
    (updated,) = audit("certificate_logo", "update")
    assert updated.before["sha256"] == first and updated.after["sha256"] == logo.sha256 != first
    assert len(audit("certificate_setting")) == 1  # already printing the upload: no second change


@pytest.mark.parametrize("data, name, message", [
    (jpeg(), "anh.png", "chỉ nhận ảnh PNG hoặc SVG"),  # the name says PNG, the bytes a JPEG
    (b"<!DOCTYPE svg [<!ENTITY a 'b'>]><svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg", "DOCTYPE"),
    (b"<" + b" " * (300 * 1024 + 1), "big.svg", "Tệp quá lớn (tối đa 300 KB)"),
    (png((2500, 10)), "wide.png", "Ảnh quá lớn"),
])
def test_a_refused_file_writes_nothing_and_says_why_beside_the_field(admin, world, data, name, message):
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    resp = upload(admin, data, name)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" in body and message in body
    assert 'id="file-err"' in body and 'aria-invalid="true"' in body
    htmx = upload(admin, data, name, htmx=True)
    assert htmx.status_code == 422 and "<html" not in htmx.get_data(as_text=True)
    assert message in htmx.get_data(as_text=True)
    assert logo_count() == 0 and db.session.scalar(select(func.count()).select_from(CertificateSetting)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert upload(admin, png(), "ok.png").status_code == 303 and logo_count() == 1  # control


def test_no_file_chosen(admin):
    resp = admin.post(URL, data={}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "Vui lòng chọn tệp ảnh" in resp.get_data(as_text=True)


@pytest.mark.parametrize("role", ["treasurer", "clerk", "viewer"])
def test_other_roles_are_refused(world, as_user, role):
    client = as_user(world.users[role])
    assert client.get(URL).status_code == 403
    assert upload(client, png(), "a.png").status_code == 403
    assert client.post(f"{URL}/xoa").status_code == 403
    assert logo_count() == 0


def test_the_image_is_seen_by_the_units_people_only(app, world, as_user):
    assert as_user(world.users["admin"]).get(f"{URL}/anh").status_code == 404  # no logo yet
    _save(world.commune, png(), "logo.png")
    viewer = as_user(world.users["viewer"])
    resp = viewer.get(f"{URL}/anh?don_vi={world.commune.id}")
    assert resp.status_code == 200 and resp.mimetype == "image/png" and resp.data.startswith(b"\x89PNG")
    assert viewer.get(f"{URL}/anh?don_vi={world.other_commune.id}").status_code == 404
    outsider = app.test_client()  # a second browser: as_user's client is the viewer's
    login(outsider, make_user(world.other_commune, "admin", username="admin_other"))
    assert outsider.get(f"{URL}/anh?don_vi={world.commune.id}").status_code == 404


def test_another_units_logo_is_out_of_reach(world, as_user):
    outsider = as_user(make_user(world.other_commune, "admin", username="admin_other"))
    assert outsider.get(f"{URL}?don_vi={world.commune.id}").status_code == 404
    assert upload(outsider, png(), "a.png", unit=world.commune).status_code == 404
    assert outsider.post(f"{URL}/xoa?don_vi={world.commune.id}").status_code == 404
    assert logo_count() == 0
    assert upload(outsider, png(), "a.png").status_code == 303  # control: their own unit
    assert db.session.scalar(select(CertificateLogo)).unit_id == world.other_commune.id


def test_a_unit_above_uploads_for_a_unit_below(world, as_user):
    top = as_user(world.province_admin)
    assert upload(top, SVG, "logo.svg", unit=world.branch).status_code == 303
    assert logos.logo_of(world.branch.id) is not None and logos.logo_of(world.province.id) is None


def test_remove_plain_and_htmx(admin, world):
    saved_setting(world.commune)
    upload(admin, SVG, "logo.svg")
    resp = admin.post(f"{URL}/xoa")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"{URL}?don_vi={world.commune.id}")
    assert logo_count() == 0 and certs.setting_for(world.commune).logo == ""
    (deleted,) = audit("certificate_logo", "delete")
    assert deleted.before["mime"] == "image/svg+xml"
    assert audit("certificate_setting")[-1].after["logo"] == ""
    page = admin.get(URL).get_data(as_text=True)
    assert "Đã xóa biểu trưng" in page and "Chưa có biểu trưng" in page
    resp = admin.post(f"{URL}/xoa", htmx=True)  # nothing left to remove: said, not a 500
    assert resp.status_code == 200 and resp.headers["HX-Redirect"]
    assert "Đơn vị chưa có biểu trưng tải lên" in admin.get(URL).get_data(as_text=True)
    assert admin.get(f"{URL}/xoa").status_code == 405


def test_removing_keeps_a_static_logo_chosen_in_the_settings(admin, world):
    s = saved_setting(world.commune)
    upload(admin, SVG, "logo.svg")
    s.logo = "img/logo-khuyen-hoc.svg"
    db.session.commit()
    admin.post(f"{URL}/xoa")
    assert certs.setting_for(world.commune).logo == "img/logo-khuyen-hoc.svg"


def test_choices_and_src(app, world):
    assert logos.logo_choices(world.commune) == [("", "Không dùng"), ("img/logo-khuyen-hoc.svg", "logo-khuyen-hoc.svg")]
    s = saved_setting(world.commune)
    assert logos.logo_src(s) == ""
    s.logo = "img/logo-khuyen-hoc.svg"
    assert logos.logo_src(s) == "img/logo-khuyen-hoc.svg"
    s.logo = logos.UPLOAD
    assert logos.logo_src(s) == ""  # chosen, then removed: no logo, not a broken image
    _save(world.commune, SVG)
    assert ("upload", "Biểu trưng đã tải lên") == logos.logo_choices(world.commune)[1]
    assert logos.logo_src(certs.setting_for(world.commune)).startswith("data:image/svg+xml;base64,")
    assert logos.logo_choices(world.branch)[1][0] != "upload"  # another unit's upload is not offered
    with app.test_request_context():
        s = certs.setting_for(world.commune)
        assert logos.page_src(s).startswith(f"{URL}/anh?don_vi={world.commune.id}&v=")
        s.logo = "img/logo-khuyen-hoc.svg"
        assert logos.page_src(s) == "/static/img/logo-khuyen-hoc.svg" and logos.logo_src(s) == "img/logo-khuyen-hoc.svg"
        s.logo = ""
        assert logos.page_src(s) == logos.logo_src(s) == ""


def _save(unit, data: bytes, name="logo.svg"):
    from werkzeug.datastructures import FileStorage

    logo = logos.save_logo(unit, FileStorage(io.BytesIO(data), filename=name))
    db.session.commit()
    return logo


# --- printed ---------------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdfimages", "pdftoppm")),
                                   reason="poppler-utils not installed")


def _certificate_pdf(unit) -> bytes:
    d = make_decision(unit)
    h = add(d, "Nguyễn Thị Ánh", "Học sinh giỏi cấp tỉnh")
    s = certs.setting_for(unit)
    c = certs.certificate(d, h, s)
    c["logo"] = logos.logo_src(s)  # what certificates.certificate() prints once it calls logo_src
    return render_pdf(documents.CERTIFICATES_TEMPLATE, items=[c])


def _green_pixels(pdf: bytes, tmp_path) -> int:
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")],
                   check=True)
    with Image.open(tmp_path / "c.png") as img:
        rgb = img.convert("RGB")
        return sum(1 for y in range(rgb.height) for x in range(rgb.width)
                   if (p := rgb.getpixel((x, y)))[1] > 150 and p[0] < 60 and p[2] < 60)


def _images(pdf: bytes, tmp_path) -> list[tuple[int, int]]:
    (tmp_path / "i.pdf").write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(tmp_path / "i.pdf")], check=True, capture_output=True,
                         text=True).stdout
    return [(int(r[3]), int(r[4])) for r in (line.split() for line in out.splitlines()[2:]) if len(r) > 4]


@needs_poppler
def test_an_uploaded_svg_is_drawn_on_the_certificate(world, tmp_path):
    saved_setting(world.commune)
    without = _green_pixels(_certificate_pdf(world.commune), tmp_path)
    _save(world.commune, SVG)
    drawn = _green_pixels(_certificate_pdf(world.commune), tmp_path)
    # The logo box is 24 mm wide: at 30 dpi about 28 × 14 px of the SVG's green.
    assert without == 0 and drawn > 200, (without, drawn)


@needs_poppler
def test_an_uploaded_png_is_embedded_in_the_certificate(world, tmp_path):
    saved_setting(world.commune)
    assert (120, 60) not in _images(_certificate_pdf(world.commune), tmp_path)  # control
    _save(world.commune, png((120, 60)), "logo.png")
    assert (120, 60) in _images(_certificate_pdf(world.commune), tmp_path)


def test_a_unit_that_never_saved_its_settings_prints_its_upload(admin, world):
    """setting_for's defaults take the uploaded logo: no row is needed to print it."""
    assert db.session.scalar(select(CertificateSetting).where(CertificateSetting.unit_id == world.commune.id)) is None
    assert certs.setting_for(world.commune).logo == ""  # control: nothing uploaded yet
    assert upload(admin, png(), "logo.png").status_code in (200, 303)
    db.session.expire_all()
    s = certs.setting_for(world.commune)
    assert s.logo == logos.UPLOAD and s.id is None
    assert certs.logo_src(s).startswith("data:image/png;base64,")
