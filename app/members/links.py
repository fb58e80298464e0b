"""One person, typed once: a member who is also a donor (Member.donor_id), a sponsor (a sponsorship
naming that donor) or a volunteer honoree (Honoree.member_id).

The member's page shows the linked donor and their gifts, or the donors who may be the same
person (same name or phone, in the member's commune and the user's scope) to link with one click,
or a donor record made from the member. Both sides of a link are in one commune
(services.commune_path): a donor or member of another commune is never linked nor described.
Services never commit.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from app.commendations.models import Decision, Honoree
from app.core.authz import in_scope
from app.donations import donor_services
from app.donations.donors import Donor
from app.donations.models import Donation
from app.extensions import db
from app.pupils.models import Sponsorship
from app.units.models import Unit
from app.vn.names import same_name
from app.vn.text import fold

from . import services
from .models import ACTIVE, Member

SUGGESTIONS = 5
SEARCH_LIMIT = 20


@dataclass
class Links:
    """What the member's page shows about the member's other records."""

    donor: Donor | None = None
    gifts_total: int = 0
    gifts_count: int = 0
    suggestions: list = field(default_factory=list)  # donors who may be this member (when not linked)
    sponsorships: list = field(default_factory=list)  # sponsorships naming the linked donor
    honors: list = field(default_factory=list)  # (Honoree, Decision) naming the member


def search_root(member: Member, user) -> Unit:
    """Where donors are looked for: the member's commune, narrowed to the user's own unit when it
    lies inside that commune (a chi hội's clerk sees the chi hội's donors only)."""
    path = services.commune_path(member.unit)
    if user.unit.path.startswith(path):
        return user.unit
    return db.session.scalar(select(Unit).where(Unit.path == path)) or member.unit


def linkable(member: Member, donor: Donor | None, user) -> bool:
    """Whether `donor` may be linked to `member` by `user`: a standing donor the user sees, in the member's commune."""
    return (donor is not None and not donor.merged_into_id and in_scope(user, donor.unit)
            and donor.unit.path.startswith(services.commune_path(member.unit)))


def suggestions(member: Member, user, limit: int = SUGGESTIONS) -> list[Donor]:
    """Donors who may be this member: the folded name contained, or the same phone; same phone first."""
    root = search_root(member, user)
    found = donor_services.suggest(root, member.full_name, member.phone, member.address, limit)
    if member.phone_key and len(member.phone_key) >= 8:
        seen = {d.id for d in found}
        found += [d for d in db.session.scalars(donor_services.donors_in_scope(root)
                                                .where(Donor.phone_key == member.phone_key).limit(limit))
                  if d.id not in seen]
    return [d for d in found if linkable(member, d, user)][:limit]


def search(member: Member, user, q: str) -> list[Donor]:
    """Donors of the member's commune (in the user's scope) whose name or phone contains `q`."""
    if len(fold(q).replace(" ", "")) < 2:
        return []
    stmt = donor_services.donors_in_scope(search_root(member, user), q).limit(SEARCH_LIMIT)
    return [d for d in db.session.scalars(stmt) if linkable(member, d, user)]


def gifts_of(donor: Donor) -> tuple[int, int]:
    """(total in đồng, count) of the donor's gifts not voided."""
    n, total = db.session.execute(select(func.count(), func.coalesce(func.sum(Donation.amount), 0))
                                  .where(Donation.donor_id == donor.id, Donation.voided_at.is_(None))).one()
    return int(total), int(n)


def sponsorships_of(member: Member, donor: Donor, user) -> list[Sponsorship]:
    """Sponsorships (kind "donor") of the member's commune, in the user's scope, whose sponsor name is
    the linked donor's name (the sponsorship names its sponsor by text only)."""
    folded = fold(donor.name)
    stmt = (select(Sponsorship).join(Unit, Unit.id == Sponsorship.unit_id)
            .where(Unit.path.startswith(services.commune_path(member.unit)), Unit.path.startswith(user.unit.path),
                   Sponsorship.sponsor_kind == "donor").order_by(Sponsorship.start_date.desc(), Sponsorship.id))
    return [s for s in db.session.scalars(stmt.limit(2000))
            if fold(s.sponsor_name) == folded and same_name(s.sponsor_name, donor.name)]


def honors_of(member: Member, user) -> list[tuple[Honoree, Decision]]:
    """Lines of commendation decisions naming the member (Honoree.member_id), decisions the user sees."""
    rows = db.session.execute(
        select(Honoree, Decision).join(Decision, Decision.id == Honoree.decision_id)
        .join(Unit, Unit.id == Decision.unit_id)
        .where(Honoree.member_id == member.id, Unit.path.startswith(user.unit.path))
        .order_by(Decision.decision_date.desc(), Decision.id.desc())).all()
    return [(h, d) for h, d in rows]


def links_of(member: Member, user) -> Links:
    out = Links(honors=honors_of(member, user))
    donor = member.donor if member.donor_id else None
    if donor is not None and in_scope(user, donor.unit):
        out.donor = donor
        out.gifts_total, out.gifts_count = gifts_of(donor)
        out.sponsorships = sponsorships_of(member, donor, user)
    elif donor is None:
        out.suggestions = suggestions(member, user)
    return out


# ---- changes (audited as "link" by services.link_donor) ---------------------------------------

def link(member: Member, donor: Donor) -> Member:
    """Link the member to the donor; linking again to the same donor changes nothing."""
    if member.donor_id == donor.id:
        return member
    if member.donor_id:
        raise services.MemberError("Hội viên đã liên kết với một nhà hảo tâm khác: bỏ liên kết trước.", "donor_id")
    return services.link_donor(member, donor)


def create_donor(member: Member) -> Donor:
    """A donor record made from the member (name, address, phone), linked. A donor of the member's
    unit with the same name and phone (or address) is used rather than made twice."""
    if member.donor_id:
        raise services.MemberError("Hội viên đã liên kết với một nhà hảo tâm.", "donor_id")
    address = ", ".join(x for x in (member.address, member.village) if x)[:300]
    donor = donor_services.find_or_create_donor(member.unit, member.full_name, "person", address, member.phone)
    services.link_donor(member, donor)
    return donor


def unlink(member: Member) -> Member:
    """Take the link off; a member not linked is left as it is (a second click changes nothing)."""
    if not member.donor_id:
        return member
    return services.link_donor(member, None)


# ---- the other side ----------------------------------------------------------------------------

def members_of_donor(donor: Donor, user) -> list[Member]:
    """The members linked to a donor that the user sees (the donor's page says "Là hội viên")."""
    stmt = (select(Member).join(Unit, Unit.id == Member.unit_id)
            .where(Member.donor_id == donor.id, Unit.path.startswith(user.unit.path)).order_by(Member.id))
    return list(db.session.scalars(stmt))


def member_search(root: Unit, q: str, limit: int = SEARCH_LIMIT) -> list[Member]:
    """Active members of `root` and below whose folded name (or phone) contains `q`, Vietnamese order
    (the commendation picker's "Hội viên" search)."""
    key = fold(q).strip()
    if len(key.replace(" ", "")) < 2:
        return []
    conds = [Member.search_key.contains(key, autoescape=True)]
    digits = services.phone_key(q)
    if len(digits) >= 4:
        conds.append(Member.phone_key.contains(digits, autoescape=True))
    stmt = (select(Member).join(Unit, Unit.id == Member.unit_id)
            .where(Unit.path.startswith(root.path), Member.status == ACTIVE, or_(*conds))
            .order_by(Member.name_key, Member.id).limit(limit))
    return list(db.session.scalars(stmt))


def member_place(member: Member) -> str:
    """What a commendation list prints for a member: the thôn/tổ, else the address, else the unit."""
    return (member.village or member.address or member.unit.name)[:200]
