"""The one table reports own: a data version per unit, bumped by every write below it.

A report cached for unit X is valid while X's version (and the global one, row 0) is unchanged.
Every commit that adds or changes a record counted by reports bumps the version of the record's
unit and of every unit above it, in the same transaction (app.reports.cache); a change to the
unit tree itself (create, rename, move, activate) bumps the global row.
"""
from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

GLOBAL = 0  # the row every cache key also reads: the tree itself changed


class ReportVersion(db.Model):
    __tablename__ = "report_version"
    __not_counted__ = "the reports cache's own versions"

    # No foreign key: row 0 is the global version, not a unit.
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
