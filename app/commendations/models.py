"""Commendations: criteria sets, learning-title assessments, decisions, honorees, certificate settings.

Names follow the house rule: họ / tên đệm / tên with `name_key` (Vietnamese order: tên, đệm, họ)
and a folded `search_key`. Collectives (a clan, a community, a unit, a group of donors) keep their
whole name in `ten`, so they still sort by the first letter a reader sees.

A decision is a draft until it is issued; issuing freezes it (the services refuse every later
change), assigns register numbers (số sổ vàng) and posts the prize money to the fund ledger.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.core.owners import Shared
from app.extensions import db
from app.funds.models import Fund, LedgerEntry
from app.goods.models import GoodsEntry
from app.scholarships.award_goods import award_text, goods_text
from app.units.models import Unit
from app.vn.names import join_name

# Learning titles (the kinds an assessment can be for), in the order the association lists them.
TITLE_KINDS = {
    "family": "Gia đình học tập",
    "clan": "Dòng họ học tập",
    "community": "Cộng đồng học tập",
    "unit": "Đơn vị học tập",
    "citizen": "Công dân học tập",
}
HONOREE_KINDS = {
    "pupil": "Học sinh, sinh viên",
    "teacher": "Giáo viên",
    "donor": "Nhà hảo tâm",
    "volunteer": "Cán bộ, hội viên, tình nguyện viên",
    **TITLE_KINDS,
}
# Kinds whose name is not a person's name: kept whole in `ten`. A family is named after the
# head of household and a citizen is a person, so both are split like any person.
COLLECTIVE_KINDS = {"clan", "community", "unit"}
AWARD_FORMS = {"giay_khen": "Giấy khen", "giay_chung_nhan": "Giấy chứng nhận"}
PAYMENT_MODES = {"each": "Mỗi người một phiếu chi", "total": "Một phiếu chi tổng (kèm danh sách)"}
DRAFT, ISSUED = "draft", "issued"
DECISION_STATUS = {DRAFT: "Dự thảo", ISSUED: "Đã ban hành"}
# Certificate designs (static/css/certificate.css, static/img/cert-*.svg); the key is stored, never rename.
BORDERS = {"classic": "Viền hoa văn cổ điển (đỏ - vàng)", "simple": "Viền kép đơn giản (xanh)",
           "lotus": "Hoa sen và trống đồng (đỏ son - vàng đồng)", "guilloche": "Khung vàng hoa văn guilloche"}
PAPERS = {"a4": "A4 ngang (297 × 210 mm)", "a5": "A5 ngang (210 × 148 mm)"}
GROUPINGS = {"": "Không nhóm", "place": "Nhóm theo trường / thôn"}


class CriteriaSet(db.Model):
    """A versioned set of criteria for one learning title.

    `unit_id` NULL: the shared set every unit scores against, changed only by the top unit's admins
    (app.core.owners). A unit's own copy (`unit_id` set, `origin_id` the shared set it was copied
    from) replaces that shared set for the unit and the units below it, and nobody else sees it
    (app.commendations.criteria.sets_for)."""

    __tablename__ = "criteria_set"
    __not_counted__ = "the criteria of titles: reports count honorees of issued decisions"
    __shared__ = Shared("bộ tiêu chí dùng chung", routes=("commendations.criteria_",))

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("criteria_set.id"))
    title_kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    year: Mapped[int]
    # [{"name": "Con cháu học tập", "max": 30}, ...]: a list keeps the printed order.
    criteria: Mapped[list] = mapped_column(JSON)
    pass_total: Mapped[int]
    min_each: Mapped[int] = mapped_column(default=0)  # 0: no per-criterion floor
    note: Mapped[str] = mapped_column(String(1000), default="")
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("criteria_set.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    origin: Mapped["CriteriaSet | None"] = relationship(remote_side="CriteriaSet.id", foreign_keys=[origin_id])

    # Names are unique per version among the shared sets, and within each unit among its own.
    __table_args__ = (
        Index("uq_criteria_set_shared_version", "name", "version", unique=True,
              sqlite_where=text("unit_id IS NULL"), postgresql_where=text("unit_id IS NULL")),
        Index("uq_criteria_set_unit_version", "unit_id", "name", "version", unique=True,
              sqlite_where=text("unit_id IS NOT NULL"), postgresql_where=text("unit_id IS NOT NULL")),
    )

    @property
    def shared(self) -> bool:
        return self.unit_id is None

    @property
    def max_total(self) -> int:
        return sum(int(c["max"]) for c in self.criteria)

    @property
    def title_label(self) -> str:
        return TITLE_KINDS.get(self.title_kind, self.title_kind)

    @property
    def rule_text(self) -> str:
        text = f"Tổng điểm từ {self.pass_total}/{self.max_total}"
        return text + (f", không tiêu chí nào dưới {self.min_each} điểm" if self.min_each else "")

    def audit_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "year": self.year, "criteria": self.criteria,
                "pass_total": self.pass_total, "min_each": self.min_each, "title_kind": self.title_kind,
                "unit_id": self.unit_id, "origin_id": self.origin_id}


class Assessment(db.Model):
    """A family (clan, community, unit, citizen) registered for a learning title in a year."""

    __tablename__ = "title_assessment"
    __counted__ = "rows"  # the organisation counts (registered, assessed) read these rows (app.members.counts)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("criteria_set.id"))
    kind: Mapped[str] = mapped_column(String(12))
    year: Mapped[int]
    ho: Mapped[str] = mapped_column(String(60), default="")
    dem: Mapped[str] = mapped_column(String(100), default="")
    ten: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(255))
    search_key: Mapped[str] = mapped_column(String(300), index=True)
    village: Mapped[str] = mapped_column(String(200), default="")
    scores: Mapped[list | None] = mapped_column(JSON)  # ints aligned with the set's criteria
    total: Mapped[int | None]
    passed: Mapped[bool | None]
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    criteria_set: Mapped[CriteriaSet] = relationship(lazy="joined")

    __table_args__ = (Index("ix_assessment_unit_year", "unit_id", "year", "name_key"),)

    @property
    def full_name(self) -> str:
        return join_name(self.ho, self.dem, self.ten)

    @property
    def kind_label(self) -> str:
        return TITLE_KINDS.get(self.kind, self.kind)

    @property
    def result_label(self) -> str:
        if self.passed is None:
            return "Chưa chấm"
        return "Đạt" if self.passed else "Chưa đạt"

    def audit_dict(self) -> dict:
        return {"name": self.full_name, "kind": self.kind, "year": self.year, "set_id": self.criteria_set_id,
                "village": self.village, "scores": self.scores, "total": self.total, "passed": self.passed}


class Decision(db.Model):
    """Quyết định khen thưởng: a draft until issued, then frozen."""

    __tablename__ = "commendation_decision"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    decision_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(300))  # "Về việc khen thưởng ..."
    list_title: Mapped[str] = mapped_column(String(300), default="")  # "DANH SÁCH ..."
    bases: Mapped[str] = mapped_column(Text, default="")  # one "Căn cứ ..." per line
    proposal: Mapped[str] = mapped_column(String(300), default="")  # "Xét đề nghị của ..."
    executors: Mapped[str] = mapped_column(String(500), default="")  # Điều 3
    recipients: Mapped[str] = mapped_column(Text, default="")  # Nơi nhận, one per line
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    award_form: Mapped[str] = mapped_column(String(20), default="giay_khen")
    default_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    # The prize in goods each new line gets by default ("5 quyển vở"), from the unit's stock (0016).
    default_goods_item: Mapped[str] = mapped_column(String(200), default="")
    default_goods_unit: Mapped[str] = mapped_column(String(30), default="")
    default_goods_quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("fund.id"))
    payment_mode: Mapped[str] = mapped_column(String(6), default="each")
    school_year: Mapped[str] = mapped_column(String(9), default="")
    group_by: Mapped[str] = mapped_column(String(10), default="")
    status: Mapped[str] = mapped_column(String(8), default=DRAFT)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("commendation_decision.id"))
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    payment_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    fund: Mapped[Fund | None] = relationship(lazy="joined")
    amends: Mapped["Decision | None"] = relationship(remote_side="Decision.id")
    payment_entry: Mapped[LedgerEntry | None] = relationship()
    honorees: Mapped[list["Honoree"]] = relationship(back_populates="decision", order_by="Honoree.name_key")

    __table_args__ = (UniqueConstraint("unit_id", "number", name="uq_decision_unit_number"),
                      CheckConstraint("default_goods_quantity IS NULL OR default_goods_quantity > 0",
                                      name="default_goods_quantity_positive"))

    @property
    def frozen(self) -> bool:
        return self.status == ISSUED

    @property
    def status_label(self) -> str:
        return DECISION_STATUS.get(self.status, self.status)

    @property
    def award_label(self) -> str:
        return AWARD_FORMS.get(self.award_form, self.award_form)

    @property
    def bases_lines(self) -> list[str]:
        return [line.strip() for line in (self.bases or "").splitlines() if line.strip()]

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in (self.recipients or "").splitlines() if line.strip()]

    @property
    def default_goods(self) -> str:
        """"5 quyển vở" or ""."""
        return goods_text(self.default_goods_quantity, self.default_goods_unit, self.default_goods_item)

    def audit_dict(self) -> dict:
        return {"number": self.number, "date": self.decision_date.isoformat(), "title": self.title,
                "place": self.place, "signer": self.signer_name, "award_form": self.award_form,
                "fund_id": self.fund_id, "payment_mode": self.payment_mode, "status": self.status,
                "amends_id": self.amends_id, "default_goods": self.default_goods}


class Honoree(db.Model):
    """One line of a decision's attached list."""

    __tablename__ = "honoree"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("commendation_decision.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the decision's unit (scope, register)
    kind: Mapped[str] = mapped_column(String(12), default="pupil")
    collective: Mapped[bool] = mapped_column(default=False)
    ho: Mapped[str] = mapped_column(String(60), default="")
    dem: Mapped[str] = mapped_column(String(100), default="")
    ten: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(255))
    search_key: Mapped[str] = mapped_column(String(300), index=True)
    birth_text: Mapped[str] = mapped_column(String(10), default="")
    place: Mapped[str] = mapped_column(String(200), default="")  # class/school or village
    achievement: Mapped[str] = mapped_column(String(300), default="")
    achievement_key: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    # Links to the register (indexed: "already commended this year" looks other decisions up by them).
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id"), index=True)
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donor.id"), index=True)
    # A volunteer honoured who is a member (issue 19): linked, not typed twice.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("title_assessment.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))
    register_number: Mapped[int | None]
    payment_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    # A prize in goods (migration 0016): what, per honoree, and its phiếu xuất while handed out.
    goods_item: Mapped[str] = mapped_column(String(200), default="")
    goods_unit: Mapped[str] = mapped_column(String(30), default="")
    goods_quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    goods_entry_id: Mapped[int | None] = mapped_column(ForeignKey("goods_entry.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="honorees")
    unit: Mapped[Unit] = relationship()
    goods_entry: Mapped[GoodsEntry | None] = relationship()

    __table_args__ = (
        Index("ix_honoree_decision_name", "decision_id", "name_key"),
        # Register numbers (sổ vàng) are unique per unit for ever: a number names one honour.
        UniqueConstraint("unit_id", "register_number", name="uq_honoree_register"),
        CheckConstraint("goods_quantity IS NULL OR goods_quantity > 0", name="goods_quantity_positive"),
    )

    @property
    def full_name(self) -> str:
        return join_name(self.ho, self.dem, self.ten)

    @property
    def kind_label(self) -> str:
        return HONOREE_KINDS.get(self.kind, self.kind)

    @property
    def goods(self) -> str:
        """The prize in goods: "5 quyển vở" or ""."""
        return goods_text(self.goods_quantity, self.goods_unit, self.goods_item)

    @property
    def prize_text(self) -> str:
        """"200.000 đ và 5 quyển vở", "5 quyển vở", "200.000 đ" or "" (no prize)."""
        return award_text(self.amount, self.goods) if self.amount or self.goods else ""

    def audit_dict(self) -> dict:
        return {"decision_id": self.decision_id, "name": self.full_name, "kind": self.kind,
                "achievement": self.achievement, "amount": self.amount, "place": self.place,
                "register_number": self.register_number, "pupil_id": self.pupil_id, "donor_id": self.donor_id,
                "member_id": self.member_id,
                "goods": self.goods, "goods_entry_id": self.goods_entry_id}


class CertificateSetting(db.Model):
    """How a unit's Giấy khen looks: one row per unit, defaults when missing."""

    __tablename__ = "certificate_setting"
    __not_counted__ = "the signer and place printed on papers, not a figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    issuer_line: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(60), default="GIẤY KHEN")
    border: Mapped[str] = mapped_column(String(20), default="classic")
    logo: Mapped[str] = mapped_column(String(100), default="")  # a file under static/img, or ""
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    # {wording kind: sentence with "[thành tích]"} chosen by the unit (0019); a missing kind prints
    # certificates.DEFAULT_WORDING.
    wording: Mapped[dict | None] = mapped_column(JSON)
    paper: Mapped[str] = mapped_column(String(3), default="a4", server_default="a4")  # PAPERS (0025)

    unit: Mapped[Unit] = relationship()

    def audit_dict(self) -> dict:
        return {"issuer_line": self.issuer_line, "title": self.title, "border": self.border, "logo": self.logo,
                "signer_title": self.signer_title, "signer_name": self.signer_name, "place": self.place,
                "wording": self.wording or {}, "paper": self.paper or "a4"}


class CommendationCounter(db.Model):
    """Next decision number (per unit and year) and next register number (per unit, year 0)."""

    __tablename__ = "commendation_counter"
    __not_counted__ = "register numbering"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    next_number: Mapped[int] = mapped_column(default=1)
