"""Shared helpers of the closed-period tests."""
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.periods import services as periods

SEPT = date(2026, 9, 15)  # in a month that has ended (the suite runs after it)
OCT = date(2026, 10, 2)


def close(unit, year=2026, month=9):
    row = periods.close(unit, year, month)
    db.session.commit()
    return row


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def field_errors(html: str) -> str:
    """The text of the error paragraphs beside fields (class "error")."""
    import re

    return " ".join(re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S))
