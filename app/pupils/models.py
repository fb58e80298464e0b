"""Schools and pupils: one pupil record across school years, with results and achievements.

Names are stored as họ / tên đệm / tên (lists sort by tên first) with two indexed keys:
`name_key` (Vietnamese collation, ORDER BY) and `search_key` (folded, searched without
diacritics). A merged duplicate keeps its row (merged_into_id) so old links still resolve.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit
from app.vn.names import join_name

SCHOOL_LEVELS = {
    "preschool": "Mầm non",
    "primary": "Tiểu học",
    "lower_secondary": "Trung học cơ sở",
    "upper_secondary": "Trung học phổ thông",
    "university": "Đại học, cao đẳng",
    "vocational": "Giáo dục nghề nghiệp",
}
LEVEL_SHORT = {"preschool": "Mầm non", "primary": "Tiểu học", "lower_secondary": "THCS",
               "upper_secondary": "THPT", "university": "ĐH, CĐ", "vocational": "Nghề"}
GENDERS = {"": "Chưa rõ", "male": "Nam", "female": "Nữ"}
CIRCUMSTANCES = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "orphan": "Mồ côi",
    "disabled": "Khuyết tật",
    "minority": "Dân tộc thiểu số",
    "other_hardship": "Hoàn cảnh khó khăn khác",
}
# Current grading words (law): primary TT 27/2020, lower and upper secondary TT 22/2021.
# The old "Giỏi / Khá / Trung bình" scale is kept only as free text on old records.
GRADES_PRIMARY = ["Hoàn thành xuất sắc", "Hoàn thành tốt", "Hoàn thành", "Chưa hoàn thành"]
GRADES_SECONDARY = ["Tốt", "Khá", "Đạt", "Chưa đạt"]


def grading_words(level: str) -> list[str]:
    """The grading words in force for a school level ([] where none apply)."""
    if level == "primary":
        return GRADES_PRIMARY
    if level in ("lower_secondary", "upper_secondary"):
        return GRADES_SECONDARY
    return []


class School(db.Model):
    __tablename__ = "school"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200), index=True)
    name_order: Mapped[str] = mapped_column(String(255))  # word_key(name), for Vietnamese order
    level: Mapped[str] = mapped_column(String(20))
    commune: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    @property
    def level_label(self) -> str:
        return SCHOOL_LEVELS.get(self.level, self.level)

    def audit_dict(self) -> dict:
        return {"name": self.name, "level": self.level, "commune": self.commune, "unit_id": self.unit_id}


class Pupil(db.Model):
    __tablename__ = "pupil"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    ho: Mapped[str] = mapped_column(String(60), default="")
    dem: Mapped[str] = mapped_column(String(100), default="")
    ten: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(255))
    search_key: Mapped[str] = mapped_column(String(220))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int | None]  # kept alone when only the year is known
    gender: Mapped[str] = mapped_column(String(6), default="")
    ethnicity: Mapped[str] = mapped_column(String(40), default="Kinh")
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    grade: Mapped[int | None]
    class_name: Mapped[str] = mapped_column(String(20), default="")
    school_year: Mapped[str] = mapped_column(String(9), default="")
    village: Mapped[str] = mapped_column(String(120), default="")
    village_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    guardian: Mapped[str] = mapped_column(String(120), default="")
    guardian_key: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    poor: Mapped[bool] = mapped_column(default=False)
    near_poor: Mapped[bool] = mapped_column(default=False)
    orphan: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    minority: Mapped[bool] = mapped_column(default=False)
    other_hardship: Mapped[bool] = mapped_column(default=False)
    circumstance_note: Mapped[str] = mapped_column(String(300), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    school: Mapped[School | None] = relationship(lazy="joined")
    results: Mapped[list["PupilResult"]] = relationship(back_populates="pupil", order_by="PupilResult.school_year")
    achievements: Mapped[list["Achievement"]] = relationship(back_populates="pupil",
                                                             order_by="Achievement.school_year")

    # ix_pupil_search covers the name search: the folded-key match and the name order are read
    # from the index alone (no table rows), which keeps a search over 30,000 pupils in a few ms.
    __table_args__ = (
        Index("ix_pupil_dup_birth", "search_key", "birth_date"),
        Index("ix_pupil_unit_name", "unit_id", "name_key"),
        Index("ix_pupil_search", "unit_id", "merged_into_id", "search_key", "name_key"),
        Index("ix_pupil_name", "name_key", "id", "merged_into_id", "search_key"),  # migration 0011: whole-tree list
    )

    @property
    def full_name(self) -> str:
        return join_name(self.ho, self.dem, self.ten)

    @property
    def birth_text(self) -> str:
        if self.birth_date:
            return self.birth_date.strftime("%d/%m/%Y")
        return str(self.birth_year or "")

    @property
    def circumstances(self) -> list[str]:
        return [label for key, label in CIRCUMSTANCES.items() if getattr(self, key)]

    @property
    def level(self) -> str:
        if self.school is not None:
            return self.school.level
        if self.grade:
            return ("primary" if self.grade <= 5 else "lower_secondary" if self.grade <= 9
                    else "upper_secondary")
        return ""

    @property
    def class_text(self) -> str:
        return self.class_name or (str(self.grade) if self.grade else "")

    def audit_dict(self) -> dict:
        return {"name": self.full_name, "birth": self.birth_text, "school_id": self.school_id,
                "grade": self.grade, "class": self.class_name, "village": self.village,
                "guardian": self.guardian, "circumstances": self.circumstances,
                "merged_into_id": self.merged_into_id}


class PupilResult(db.Model):
    """A school year's result: the current grading word, or old words kept as text."""

    __tablename__ = "pupil_result"
    __owner__ = "pupil"  # app.core.owners: changed with its pupil, in the pupil's unit

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9))
    grade_word: Mapped[str] = mapped_column(String(30), default="")
    old_text: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(300), default="")

    pupil: Mapped[Pupil] = relationship(back_populates="results")

    @property
    def unit(self):
        return self.pupil.unit


class Achievement(db.Model):
    """An achievement in a school year, e.g. "Giải Nhì học sinh giỏi cấp tỉnh môn Toán"."""

    __tablename__ = "pupil_achievement"
    __owner__ = "pupil"  # app.core.owners: changed with its pupil, in the pupil's unit

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9))
    title: Mapped[str] = mapped_column(String(300))
    search_key: Mapped[str] = mapped_column(String(300))

    pupil: Mapped[Pupil] = relationship(back_populates="achievements")

    @property
    def unit(self):
        return self.pupil.unit


class Sponsorship(db.Model):
    """Đỡ đầu: a donor or teacher supports a pupil for a period, per month or per year."""

    __tablename__ = "sponsorship"
    __not_counted__ = "no report reads sponsorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    sponsor_name: Mapped[str] = mapped_column(String(200))
    sponsor_kind: Mapped[str] = mapped_column(String(10), default="donor")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    period: Mapped[str] = mapped_column(String(6), default="month")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    pupil: Mapped[Pupil] = relationship()

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def audit_dict(self) -> dict:
        return {"pupil_id": self.pupil_id, "sponsor": self.sponsor_name, "kind": self.sponsor_kind,
                "start": str(self.start_date), "end": str(self.end_date or ""), "amount": self.amount,
                "period": self.period}


SPONSOR_KINDS = {"donor": "Nhà hảo tâm", "teacher": "Thầy cô giáo", "unit": "Cơ quan, đơn vị"}
PERIODS = {"month": "mỗi tháng", "year": "mỗi năm"}
