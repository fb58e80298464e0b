"""One layout path for every PDF, through WeasyPrint's public API in one module (issue 16, part 2).

The speed layer this replaced patched WeasyPrint's functions process-wide, edited content streams by
regex and reached into its private modules from seven files; a newcomer could not tell which PDF
went which way. These checks keep it so: only app/printing/engine.py imports WeasyPrint, only
public names, nothing in app/ assigns to a WeasyPrint module, and one certificate prints exactly as
the same certificate in a batch.
"""
import ast
import subprocess
import shutil
import time
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app import create_app
from tests.printing.test_longlist import CERTS

APP = Path(__file__).resolve().parents[2] / "app"
ENGINE = APP / "printing" / "engine.py"
# WeasyPrint's documented API (weasyprint.org/docs/api_reference): what engine.py may import.
PUBLIC = {"weasyprint": {"HTML", "CSS"}, "weasyprint.text.fonts": {"FontConfiguration"},
          "weasyprint.urls": {"URLFetcher", "URLFetcherResponse"}}


def _imports(path: Path):
    """(module, name or None) of every import of a weasyprint module in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "weasyprint":
            yield from ((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names if alias.name.split(".")[0] == "weasyprint")


def test_only_the_engine_imports_weasyprint_and_only_public_names():
    users = sorted(str(p.relative_to(APP)) for p in APP.rglob("*.py") if any(_imports(p)))
    assert users == ["printing/engine.py"]
    for module, name in _imports(ENGINE):
        assert name in PUBLIC.get(module, set()), (module, name)


def test_nothing_assigns_to_a_weasyprint_module():
    # A monkey-patch looks like `some_weasyprint_module.function = ours`.
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                   for a in n.names if (getattr(n, "module", None) or a.name).startswith("weasyprint")}
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    assert target.value.id not in aliases, f"{path}: assigns {target.value.id}.{target.attr}"


@pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"), reason="poppler-utils")
def test_one_certificate_prints_as_it_does_in_a_batch(tmp_path_factory, tmp_path):
    from app.printing.services import render_many, render_pdf

    db = tmp_path_factory.mktemp("one_path") / "t.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}"})
    app.jinja_env.loader = ChoiceLoader([DictLoader({"pdf/_t_certs.html": CERTS}), app.jinja_env.loader])
    item = {"name": "Lê Ngọc Ẩn"}

    def seen(pdf):
        path = tmp_path / f"{time.monotonic_ns()}.pdf"
        path.write_bytes(pdf)
        return [subprocess.run([tool, str(path), *extra], check=True, capture_output=True, text=True).stdout
                for tool, extra in (("pdftotext", ["-layout", "-"]), ("pdffonts", []), ("pdfinfo", []))]

    with app.app_context():
        alone = seen(render_pdf("pdf/_t_certs.html", items=[item], item_offset=0))
        batch = seen(render_many("pdf/_t_certs.html", [item, {"name": "Trịnh Đức Hưng"}], chunk_items=1))
    assert "Lê Ngọc Ẩn" in alone[0] and alone[0] == batch[0].split("\f")[0] + "\f"
    fonts = [{r.split()[0].split("+")[-1] for r in out[1].splitlines()[2:]} for out in (alone, batch)]
    assert fonts[0] == fonts[1] and any("Dancing" in name for name in fonts[0])
