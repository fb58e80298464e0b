"""How often papers are looked up on the public verification page: a counter, not the audit log.

Anyone may look a paper up without signing in, so a lookup must never queue a write behind the real
work the way an audit row would (a scanner sending thousands of codes would slow every treasurer
down). One row per day, kind of paper and outcome holds a count, raised with one upsert
(app.papers.tally); nothing says who looked or which paper.
"""
from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

FORGED = "-"  # the kind of a code that is not genuine (forged, altered, mistyped): no kind to tell


class PaperLookup(db.Model):
    __tablename__ = "paper_lookup"
    __not_counted__ = "lookups on the public verification page: no report reads them"
    __system__ = "counted by the public verification page itself, never from a form"  # app.core.owners

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    found: Mapped[bool] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<PaperLookup {self.day} {self.kind} {self.found} {self.count}>"
