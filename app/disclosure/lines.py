"""The income lines of a disclosure, in money (report.py) and in kind (goods.py) alike."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DonorLine:
    name: str
    amount: int
    gifts: int = 1
    in_kind: str = ""  # "50 quyển vở; 2 chiếc xe đạp" when part of it came in kind
    anonymous: bool = False
    sort_key: str = ""
    kind: str = "donor"  # donor, piggy_bank (counted openings), transfer, other


@dataclass
class IncomeGroup:
    title: str
    note: str = ""  # the campaign's unit and purpose
    lines: list[DonorLine] = field(default_factory=list)
    campaign_id: int | None = None

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def in_kind_total(self) -> int:
        return sum(line.amount for line in self.lines if line.in_kind)
