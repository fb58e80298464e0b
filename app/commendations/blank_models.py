"""Pre-printed certificate blanks (phôi giấy khen): where each variable text goes, and each printer's offset.

A unit buys blanks whose border, national heading and "GIẤY KHEN" are already printed; the app prints
only the variable text at positions measured on the blank, in millimetres from the paper's top-left
corner (app.commendations.blanks explains what x and y mean). Every printer feeds paper a little off,
so each printer of the unit keeps its own offset, found with the calibration page.
"""
from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.units.models import Unit

# Paper sizes a blank comes in: key -> (label, width mm, height mm).
PAPERS = {
    "a4_landscape": ("A4 ngang (297 × 210 mm)", 297.0, 210.0),
    "a4_portrait": ("A4 dọc (210 × 297 mm)", 210.0, 297.0),
    "a5_landscape": ("A5 ngang (210 × 148 mm)", 210.0, 148.0),
    "a5_portrait": ("A5 dọc (148 × 210 mm)", 148.0, 210.0),
}
ALIGNS = {"left": "Trái", "center": "Giữa", "right": "Phải"}

# The variable texts, in the order the form shows them: key -> (label, lines it may take, bold).
TEXT_FIELDS = {
    "name": ("Họ và tên", 2, True),
    "detail": ("Lớp, trường (hoặc thôn, ấp)", 2, False),
    "achievement": ("Thành tích", 3, False),
    "school_year": ("Năm học", 1, False),
    "decision": ("Số và ngày quyết định", 1, False),
    "register": ("Số vào sổ", 1, False),
    "place_date": ("Địa danh, ngày tháng", 1, False),
    "signer_name": ("Họ tên người ký", 1, True),
    "code": ("Mã xác minh (và địa chỉ tra cứu)", 2, False),
}
QR_LABEL = "Mã QR xác minh"

# A typical Vietnamese A4 landscape blank: heading and "GIẤY KHEN" in the top 85 mm, the name on the
# "Tặng" line, the class and the achievement under it, place-date and signature on the right, the
# decision and register number on the bottom left. y is the baseline (see blanks.py).
DEFAULT_FIELDS = {
    "name": {"x": 48.0, "y": 100.0, "w": 200.0, "size": 26.0, "align": "center", "show": True},
    "detail": {"x": 48.0, "y": 112.0, "w": 200.0, "size": 15.0, "align": "center", "show": True},
    "achievement": {"x": 38.0, "y": 124.0, "w": 220.0, "size": 15.0, "align": "center", "show": True},
    "school_year": {"x": 98.0, "y": 146.0, "w": 100.0, "size": 15.0, "align": "center", "show": True},
    "decision": {"x": 20.0, "y": 166.0, "w": 120.0, "size": 11.0, "align": "left", "show": True},
    "register": {"x": 20.0, "y": 173.0, "w": 120.0, "size": 11.0, "align": "left", "show": True},
    "place_date": {"x": 165.0, "y": 158.0, "w": 115.0, "size": 13.0, "align": "center", "show": True},
    "signer_name": {"x": 165.0, "y": 195.0, "w": 115.0, "size": 15.0, "align": "center", "show": True},
    "code": {"x": 41.0, "y": 186.0, "w": 100.0, "size": 9.0, "align": "left", "show": True},
    "qr": {"x": 20.0, "y": 180.0, "size_mm": 18.0, "show": True},
}


def default_fields(paper: str = "a4_landscape") -> dict:
    """The defaults, scaled from A4 landscape to `paper` (a starting point; each blank is measured)."""
    _label, width, height = PAPERS.get(paper, PAPERS["a4_landscape"])
    fx, fy = width / 297.0, height / 210.0
    out = {}
    for key, spec in DEFAULT_FIELDS.items():
        s = dict(spec)
        s["x"], s["y"] = round(s["x"] * fx, 1), round(s["y"] * fy, 1)
        if "w" in s:
            s["w"], s["size"] = round(s["w"] * fx, 1), max(6.0, round(s["size"] * min(fx, fy) * 2) / 2)
        else:
            s["size_mm"] = max(10.0, round(s["size_mm"] * min(fx, fy)))
        out[key] = s
    return out


class BlankLayout(db.Model):
    """Where a unit's blanks take each variable text: one row per unit, defaults when missing."""

    __tablename__ = "blank_layout"
    __not_counted__ = "where text goes on a printed blank, not a figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    paper: Mapped[str] = mapped_column(String(20), default="a4_landscape")
    # {field: {x, y, w, size, align, show}} and {"qr": {x, y, size_mm, show}}, in mm and pt.
    fields: Mapped[dict] = mapped_column(JSON, default=default_fields)

    unit: Mapped[Unit] = relationship()

    def audit_dict(self) -> dict:
        return {"paper": self.paper, "fields": self.fields or {}}


OFFSET_LIMIT = 20.0  # mm: a printer further off than 2 cm is a jammed tray, not a calibration


class PrinterProfile(db.Model):
    """One printer of a unit and how far it prints from where it is told (mm; + right, + down)."""

    __tablename__ = "printer_profile"
    __not_counted__ = "a printer's calibration, not a figure"
    __table_args__ = (
        UniqueConstraint("unit_id", "name", name="uq_printer_profile_name"),
        CheckConstraint("offset_x_mm BETWEEN -20 AND 20", name="offset_x_bounded"),
        CheckConstraint("offset_y_mm BETWEEN -20 AND 20", name="offset_y_bounded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    offset_x_mm: Mapped[float] = mapped_column(Float, default=0.0)
    offset_y_mm: Mapped[float] = mapped_column(Float, default=0.0)

    unit: Mapped[Unit] = relationship()

    def audit_dict(self) -> dict:
        return {"name": self.name, "offset_x_mm": self.offset_x_mm, "offset_y_mm": self.offset_y_mm}
