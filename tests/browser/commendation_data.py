"""Data and PDF checks for the commendation flow in a real browser (data helpers run through live.run())."""
import re
import subprocess
import unicodedata
from pathlib import Path

from app.printing.queue import huey_for
from tests.browser.conftest import make_commune

# Three honorees; the last is exactly 60 characters (a compound surname and many middle names).
HONOREES = ["Nguyễn Thị Ánh Tuyết", "Đặng Văn Ơn", "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái Bích"]
assert len(HONOREES[-1]) == 60


def commendation_world(tag: str) -> dict:
    """A commune, its admin and a draft decision (no prize money) with the HONOREES."""
    from app.extensions import db
    from app.units.models import Unit
    from tests.factories_commendations import add, make_decision

    out = make_commune(tag)
    d = make_decision(db.session.get(Unit, out["commune"]), number=f"{tag}/QĐ-HKH")
    out.update(decision=d.id, number=d.number)
    out["honorees"] = {name: add(d, name).id for name in HONOREES}
    return out


def register_numbers(decision_id: int) -> dict[str, str | None]:
    """Full name -> register number (số sổ vàng) of the decision's honorees."""
    from app.commendations.models import Decision
    from app.extensions import db

    return {h.full_name: h.register_number for h in db.session.get(Decision, decision_id).honorees}


def job_status(job_id: int) -> str:
    from app.extensions import db
    from app.printing.models import PrintJob

    return db.session.get(PrintJob, job_id).status


def work_one(app) -> bool:
    """Do what the print worker does for the next queued task (the live app's queue is not immediate)."""
    huey = huey_for(app)
    task = huey.dequeue()
    if task is None:
        return False
    huey.execute(task)
    return True


# PDF checks (poppler-utils) -------------------------------------------------------------------

def save(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def pdf_text(path: Path) -> str:
    """The PDF's text, NFC, with every run of whitespace made one space (long names wrap)."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(unicodedata.normalize("NFC", out).split())


def pdf_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return [" ".join(unicodedata.normalize("NFC", p).split()) for p in out.split("\f") if p.strip()]


def pdf_info(path: Path) -> tuple[int, tuple[int, int]]:
    """(pages, (width, height) in points, rounded) of the first page."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    w, h = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M).groups()
    return pages, (round(float(w)), round(float(h)))


def pdf_fonts(path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font the PDF uses."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = out.splitlines()[2:]  # header and its dashes
    # Columns from the right: emb sub uni object-id generation (the type may contain spaces).
    return [(r.split()[0], r.split()[-5] == "yes") for r in rows if r.strip()]
