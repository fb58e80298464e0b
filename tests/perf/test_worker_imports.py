"""A web worker stays small: WeasyPrint, pypdf, Huey and psycopg load when first needed, not with the app.

WeasyPrint (with Pillow, fontTools, pydyf) is about 26 MB of a worker, pypdf 10 MB, Huey with the
psycopg it imports 11 MB; a worker answering list pages needs none of them (issue 8: < 150 MB).
"""
import subprocess
import sys

HEAVY = ("weasyprint", "pypdf", "huey", "psycopg", "PIL", "fontTools", "openpyxl")


def test_the_app_starts_and_answers_a_page_without_the_heavy_libraries(tmp_path):
    code = f"""
import sys
from app import create_app
app = create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path}/x.db", "SECRET_KEY": "x" * 32}})
assert app.test_client().get("/dang-nhap").status_code == 200
print(",".join(m for m in {HEAVY!r} if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"INSTANCE_PATH": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "", f"loaded at start: {out.stdout.strip()}"


def test_printing_still_loads_them_when_asked(app):
    from app.printing.services import render_pdf

    assert render_pdf("pdf/_base.html").startswith(b"%PDF")
    assert "weasyprint" in sys.modules
