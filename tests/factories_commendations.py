"""Commendation test data, built through app.commendations services."""
import itertools
from datetime import date
from types import SimpleNamespace

from app.commendations import assessments as assess
from app.commendations import criteria as crit
from app.commendations import services
from app.extensions import db

_seq = itertools.count(1)
DAY = date(2026, 2, 5)


def make_set(kind="citizen", *, criteria=None, pass_total=80, min_each=5, name=None, commit=True):
    cset = crit.create_set(kind, name or f"Bộ tiêu chí thử {next(_seq)}", 2015,
                           criteria or [{"name": f"Chỉ số {i}", "max": 10} for i in range(1, 11)],
                           pass_total, min_each)
    if commit:
        db.session.commit()
    return cset


def make_assessment(unit, cset, name="Nguyễn Văn Tư", *, year=2026, village="Ấp Tân Lộc", scores=None,
                    commit=True):
    a = assess.register(unit, cset, name, year, village)
    if scores is not None:
        assess.score(a, scores)
    if commit:
        db.session.commit()
    return a


def make_decision(unit, *, number=None, fund=None, amount=0, commit=True, **kw):
    data = services.DecisionData(number=number or f"{next(_seq)}/QĐ-HKH", decision_date=kw.pop("day", DAY),
                                 title=kw.pop("title", "Về việc khen thưởng học sinh giỏi năm học 2025-2026"),
                                 place=kw.pop("place", "Lai Vung"), signer_name="Huỳnh Minh Tâm",
                                 default_amount=amount, fund=fund, school_year="2025-2026", **kw)
    d = services.create_decision(unit, data)
    if commit:
        db.session.commit()
    return d


def add(d, name, achievement="Học sinh xuất sắc", *, amount=0, commit=True, **kw):
    h = services.add_honoree(d, services.HonoreeData(name=name, achievement=achievement, amount=amount, **kw))
    if commit:
        db.session.commit()
    return h


def commendation_world(world):
    """A draft decision with one honoree and an assessment in each commune, made once per world."""
    if getattr(world, "comm", None) is None:
        cset = make_set()
        own = make_decision(world.commune)
        other = make_decision(world.other_commune)
        world.comm = SimpleNamespace(
            cset=cset, own=own, other=other,
            own_honoree=add(own, "Nguyễn Thị Đào"), other_honoree=add(other, "Trần Văn Bình"),
            own_assessment=make_assessment(world.branch, cset),
            other_assessment=make_assessment(world.other_branch, cset))
    return world.comm
