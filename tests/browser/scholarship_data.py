"""Data for the scholarship flows in a real browser (call through live.run(); returns ids and names only)."""
from tests.browser.conftest import make_commune

SCHOOL = "Trường THCS Lai Vung"  # the school of the template's example row


def scholarship_world(tag: str, *, budget: int = 10_000_000, fund_money: int = 20_000_000,
                      pending=(), approved=(), amount: int = 1_000_000, known=()) -> dict:
    """A commune with a clerk, a treasurer, a school, a round paying from its own fund with one
    category ("Học bổng vượt khó", `amount` and 10 notebooks), pupils already in the register
    (`known`: (full name, birth date) pairs) and nominations of new pupils, pending or approved."""
    from app.extensions import db
    from app.scholarships import services
    from app.units.models import Unit
    from tests.factories import make_user
    from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

    out = make_commune(tag)
    commune = db.session.get(Unit, out["commune"])
    out["clerk"] = make_user(commune, "clerk", username=f"nl{tag}", full_name="Lê Thị Hồng").username
    out["treasurer"] = make_user(commune, "treasurer", username=f"tq{tag}", full_name="Phan Văn Đức").username
    school = make_school(commune, SCHOOL)
    rnd = make_round(commune, budget=budget, fund_money=fund_money,
                     name=f"Học bổng Tiếp bước đến trường {tag}")
    cat = make_category(rnd, amount, name="Học bổng vượt khó", goods="10 quyển vở")
    out.update(round=rnd.id, round_name=rnd.name, fund=rnd.fund_id, category=cat.id, school=school.id)
    out["known"] = {name: make_pupil(commune, name, birth_date=born, school=school, class_name="8A1").id
                    for name, born in known}
    out["nominations"] = {}
    for name in (*pending, *approved):
        n = make_nomination(rnd, make_pupil(commune, name, school=school, class_name="7A2"), cat)
        if name in approved:
            services.approve(rnd, [n])
            db.session.commit()
        out["nominations"][name] = n.id
    return out


def nominations_of(round_id: int) -> dict[str, str]:
    """{pupil full name: status} for the round, plus "paid" for awards marked paid."""
    from sqlalchemy import select

    from app.extensions import db
    from app.scholarships.models import Nomination

    noms = db.session.scalars(select(Nomination).where(Nomination.round_id == round_id)).all()
    return {n.pupil.full_name: "paid" if n.is_paid else n.status for n in noms}


def pupils_of(commune_id: int) -> list[str]:
    """Full names of the commune's pupils (the register the import writes into)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.pupils.models import Pupil

    return sorted(p.full_name for p in db.session.scalars(select(Pupil).where(Pupil.unit_id == commune_id)))


def pupil_of_nomination(round_id: int, full_name: str) -> dict:
    """The pupil record behind a pupil's nomination in the round: its id, birth and class."""
    from sqlalchemy import select

    from app.extensions import db
    from app.scholarships.models import Nomination

    for n in db.session.scalars(select(Nomination).where(Nomination.round_id == round_id)):
        if n.pupil.full_name == full_name:
            p = n.pupil
            return {"id": p.id, "birth_date": p.birth_date, "birth_year": p.birth_year, "class": p.class_name,
                    "school_id": p.school_id, "proposer": n.proposer}
    raise LookupError(full_name)

