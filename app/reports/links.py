"""Where each figure leads: the existing list pages, with the filters that reproduce the figure.

Lists scoped to the user's unit cannot be narrowed to one branch unless they have a unit filter
(piggy banks do); the donation list is narrowed by date (and the collecting branch's name).
"""
import re
from urllib.parse import quote_plus

from flask import url_for

from app.core import nav

from .periods import Period, month_end

_SAFE = "!$'()*,/:;?@"  # what werkzeug leaves unescaped in a query string (werkzeug.urls._urlencode)
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*\Z")  # needs no quoting: ids, years, dates, slugs


def _quoted(value) -> str:
    text = str(value)
    return text if _PLAIN.match(text) else quote_plus(text, safe=_SAFE)


def _url(endpoint: str, **query) -> str:
    """url_for(endpoint, **query) for an endpoint whose path takes no argument, at a fraction of the
    cost: the path is the menu's (app.core.nav.link, built once per app and script root) and the
    query is appended the way werkzeug does it (None left out, in the order given). A province's
    roll-up has over a thousand links, and url_for's rule matching was a fifth of the page
    (tests/reports/test_links.py holds both to the same text)."""
    base = nav.link(endpoint)
    items = "&".join(f"{k}={_quoted(v)}" for k, v in query.items() if v is not None)  # keys: plain names
    return f"{base}?{items}" if items else base


class Links:
    def __init__(self, period: Period):
        self.period = period
        self._span = {"tu_ngay": period.start.isoformat(), "den_ngay": period.end.isoformat()}
        self._key = period.key  # both asked for by nearly every link of a page

    def _dates(self) -> dict:
        return self._span

    def donations(self, collector: str = "", method: str = "") -> str:
        """The period's donations; method "tien" (cash and transfer: app.donations.forms.MONEY) or
        "in_kind" keeps the money or the goods apart."""
        extra = {"nguoi_thu": collector} if collector else {}
        if method:
            extra["hinh_thuc"] = method
        return _url("donations.index", **self._dates(), **extra)

    def donations_month(self, year: int, month: int) -> str:
        start = f"{year:04d}-{month:02d}-01"
        return _url("donations.index", tu_ngay=start, den_ngay=month_end((year, month)).isoformat())

    def piggy_report(self, unit_id: int | None = None) -> str:
        return _url("piggybanks.report", **({"don_vi": unit_id} if unit_id else {}), **self._dates())

    def pigs(self, status: str, unit_id: int | None = None) -> str:
        return _url("piggybanks.index", trang_thai=status, **({"don_vi": unit_id} if unit_id else {}))

    def funds(self) -> str:
        return _url("funds.index")

    def fund(self, fund_id: int) -> str:
        return url_for("funds.detail", fund_id=fund_id, **self._dates())

    def goods_stock(self) -> str:
        """The goods on hand in the user's scope (its total: the value of the goods in stock)."""
        return _url("goods.index")

    def campaigns(self, status: str = "") -> str:
        return _url("campaigns.index", **({"trang_thai": status} if status else {}))

    def campaign(self, campaign_id: int) -> str:
        return url_for("campaigns.detail", campaign_id=campaign_id)

    def scholarships(self) -> str:
        return _url("scholarships.index")

    def awards(self, level: str = "", circumstance: str = "", unit_id: int | None = None) -> str:
        """The awards list of the period (what the scholarship figures count), optionally by level
        ("none": unknown), circumstance ("khong": none of them) or a unit's subtree."""
        args = {"ky": self._key, "cap_hoc": level, "hoan_canh": circumstance, "don_vi": unit_id}
        return _url("scholarships.awards_list", **{k: v for k, v in args.items() if v})

    def honorees(self, unit_id: int | None = None) -> str:
        """The honorees of the period's issued decisions (what the commendation figures count)."""
        return _url("commendations.honorees_all", ky=self._key, **({"don_vi": unit_id} if unit_id else {}))

    def campaigns_started(self) -> str:
        """The campaigns starting in the period (whose targets the figures add up)."""
        return _url("campaigns.index", ky=self._key)

    def round(self, round_id: int, status: str = "") -> str:
        return url_for("scholarships.round_detail", round_id=round_id, **({"trang_thai": status} if status else {}))

    def pupils(self, circumstance: str = "") -> str:
        return _url("pupils.index", **({"hoan_canh": circumstance} if circumstance else {}))

    def decisions(self, status: str = "") -> str:
        return _url("commendations.index", **({"trang_thai": status} if status else {}))

    def decision(self, decision_id: int) -> str:
        return url_for("commendations.detail", decision_id=decision_id)

    def rollup(self, unit_id: int) -> str:
        return _url("reports.rollup", don_vi=unit_id, ky=self._key)

    def year_report(self, unit_id: int, fmt: str = "") -> str:
        endpoint = {"pdf": "reports.year_report_pdf", "xlsx": "reports.year_report_xlsx"}.get(fmt,
                                                                                              "reports.year_report")
        return _url(endpoint, don_vi=unit_id, ky=self._key)

    # ---- the organisation counts (app.members.counts): each figure opens the list it counts --------

    @staticmethod
    def members(unit_id: int, year: int, which: str = "roll") -> str:
        """The member list of the unit's subtree: on the roll at 31/12 (`nam`), joined in the year
        (`vao_nam`) or left or died in it (`ra_nam`); the last two with every status, as counted."""
        if which == "joined":
            return _url("members.index", don_vi=unit_id, vao_nam=year, trang_thai="tat-ca")
        if which == "ended":
            return _url("members.index", don_vi=unit_id, ra_nam=year, trang_thai="tat-ca")
        return _url("members.index", don_vi=unit_id, nam=year)

    @staticmethod
    def branches(unit_id: int, kind: str) -> str:
        """The active units of one kind under the unit (strictly below it)."""
        return _url("units.index", duoi=unit_id, loai=kind, trang_thai="hoat-dong")

    @staticmethod
    def assessments(unit_id: int, year: int, kind: str, step: str) -> str:
        """The learning-title assessments of the unit's subtree for the year and title, at one step
        (app.commendations.assessments.STEPS)."""
        return _url("commendations.assessments", don_vi=unit_id, nam=year, **({"danh_hieu": kind} if kind else {}),
                       buoc=step)

    @staticmethod
    def population(unit_id: int | None = None, year: int | None = None) -> str:
        args = {"don_vi": unit_id, "nam": year}
        return _url("members.population", **{k: v for k, v in args.items() if v})
