"""Publishing a unit's yearly disclosure, and the deadline that applies to it.

Services never commit; the caller commits. Each change is audited in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.audit.services import record
from app.core.actor import actor_id
from app.core.authz import scope_unit_ids
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.periods.services import close_for_publish, local_day
from app.units.models import Unit
from app.vn.dates import DEFAULT_TZ

from . import report, snapshot
from .models import Publication

# Funds under the decree publish last year's figures by 31 March (Nghị định 03/2026, which
# replaced 93/2019). Branch funds follow the association's rules and are nudged the same way.
DEADLINE_MONTH, DEADLINE_DAY = 3, 31
FIRST_YEAR = 2000


class DisclosureError(Refusal):
    """A refused change; the message is shown beside its field."""


def deadline(year: int) -> date:
    return date(year + 1, DEADLINE_MONTH, DEADLINE_DAY)


@dataclass
class DeadlineHint:
    text: str
    level: str  # "info", "warn" or "done"


def deadline_hint(year: int, today: date, pub: Publication | None) -> DeadlineHint:
    """What an admin should know about the 31 March rule for this year's figures."""
    due = deadline(year)
    due_text = due.strftime("%d/%m/%Y")
    if pub is not None and pub.published:
        return DeadlineHint(f"Đã công khai. Hạn công khai số liệu năm {year} là ngày {due_text}.", "done")
    if year >= today.year:
        return DeadlineHint(f"Năm {year} chưa kết thúc: số liệu còn thay đổi. Hạn công khai là ngày {due_text}.",
                            "info")
    if today > due:
        return DeadlineHint(f"Đã quá hạn công khai số liệu năm {year} (hạn ngày {due_text}).", "warn")
    left = (due - today).days
    return DeadlineHint(f"Hạn công khai số liệu năm {year}: ngày {due_text} (còn {left} ngày).",
                        "warn" if left <= 30 else "info")


def check_year(year: int, today: date) -> None:
    if not FIRST_YEAR <= year <= today.year:
        raise DisclosureError(f"Năm không hợp lệ: chỉ từ {FIRST_YEAR} đến {today.year}.", "year")


def publication(unit: Unit, year: int) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.unit_id == unit.id, Publication.year == year))


def published(unit: Unit, year: int) -> Publication | None:
    """The year's publication when the public may see it: published, with its frozen report.

    A publication from before snapshots existed (migration 0012) has none and stays closed until
    an admin publishes again: showing the live books would show what nobody approved.
    """
    pub = publication(unit, year)
    return pub if pub is not None and pub.published and pub.snapshot is not None else None


def published_years(unit: Unit) -> list[Publication]:
    return list(db.session.scalars(select(Publication).where(Publication.unit_id == unit.id,
                                                             Publication.published.is_(True),
                                                             Publication.snapshot.is_not(None))
                                   .order_by(Publication.year.desc())))


def published_local(pub: Publication) -> datetime:
    """When `pub` was published, in the app's time zone (the moment its figures were frozen)."""
    zone = ZoneInfo(current_app.config.get("VN_TIMEZONE", DEFAULT_TZ))
    at = pub.published_at
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(zone)


def frozen_at_text(pub: Publication) -> str:
    """"Số liệu chốt lúc 14:30 ngày 05/02/2026": the moment the public page's figures stand at."""
    at = published_local(pub)
    return f"Số liệu chốt lúc {at:%H:%M} ngày {at:%d/%m/%Y}"


def revised_text(pub: Publication) -> str:
    """"Đã điều chỉnh: công khai lại ngày 06/12/2026, thay cho bản ngày 15/01/2026" when the admin
    published again with different figures (the public must see that the page changed), else ""."""
    if pub.previous_published_at is None or pub.published_at is None:
        return ""
    return (f"Đã điều chỉnh: công khai lại ngày {local_day(pub.published_at)}, thay cho bản ngày "
            f"{local_day(pub.previous_published_at)}")


def public_report(pub: Publication) -> report.Report:
    """The report the public sees: as it stood when `pub` was published, whatever came after."""
    return snapshot.load(pub.snapshot)


def publications_in_scope(root: Unit) -> list[Publication]:
    """Published (or once published) disclosures of `root` and the units below it."""
    return list(db.session.scalars(select(Publication).where(Publication.unit_id.in_(scope_unit_ids(root)))
                                   .order_by(Publication.year.desc(), Publication.unit_id)))


def publish(unit: Unit, year: int, today: date) -> Publication:
    """Open the year's disclosure to the public, frozen as it stands now.

    The report is stored whole (snapshot) and the public sees only that; publishing again takes
    a new snapshot, which is how later corrections reach the public page. When that snapshot
    differs from the one it replaces, the publication keeps the replaced one's time and digest:
    the public page and PDF then say "Đã điều chỉnh: công khai lại ngày ..., thay cho bản ngày ...".
    Publishing an ended year closes that year's books for the unit (app.periods: nothing is then
    posted, voided or back-dated into what the public was shown; reopening needs an admin).
    """
    check_year(year, today)
    pub = publication(unit, year)
    if pub is None:
        pub = Publication(unit=unit, year=year, published=False)
        db.session.add(pub)
        db.session.flush()
    before = pub.audit_dict()
    old_digest, old_at = snapshot.digest(pub.snapshot), pub.published_at
    pub.published = True
    pub.published_at = utcnow()
    pub.published_by_id = actor_id()
    rep = report.build(unit, year)
    pub.figures = rep.figures()
    pub.snapshot = snapshot.dump(rep)
    pub.snapshot_digest = snapshot.digest(pub.snapshot)  # the books check recomputes it (app.books.checks)
    if old_digest and old_at is not None and pub.snapshot_digest != old_digest:
        pub.previous_published_at, pub.previous_digest = old_at, old_digest
    pub.updated_at = utcnow()
    db.session.flush()
    record("publish", pub, before=before, after=pub.audit_dict())
    close_for_publish(unit, year)
    return pub


def unpublish(unit: Unit, year: int) -> Publication:
    """Take the year's disclosure off the public page (it answers 404 again)."""
    pub = publication(unit, year)
    if pub is None or not pub.published:
        raise DisclosureError(f"Báo cáo công khai năm {year} của {unit.name} đang không được công khai.")
    before = pub.audit_dict()
    pub.published = False
    pub.updated_at = utcnow()
    db.session.flush()
    record("unpublish", pub, before=before, after=pub.audit_dict())
    return pub


def changed_since_published(pub: Publication | None, rep: report.Report) -> bool:
    """True when the live report differs from the published one (a late gift, a voided receipt,
    a donor's name or a gift's anonymity changed): the public page still shows the old one."""
    if not (pub and pub.published):
        return False
    if pub.snapshot is not None:
        return pub.snapshot != snapshot.dump(rep)
    return pub.figures is not None and pub.figures != rep.figures()
