"""Member, dues, card, population and link routes (issue 19)."""
from datetime import date
from types import SimpleNamespace

from tests.authz import ALL, Rule

WRITE = frozenset({"admin", "treasurer", "clerk"})  # member.write
MANAGE = frozenset({"admin", "treasurer"})  # dues.manage
COLLECT = frozenset({"treasurer", "clerk"})  # dues.collect
TREASURER = frozenset({"treasurer"})  # dues.void, dues.remit
ADMIN = frozenset({"admin"})  # unit.manage (populations)
DONOR_LINK = frozenset({"treasurer", "clerk"})  # member.write and donation.write (a new donor record)
STAGED_GET = (200, 302, 303)  # a staged upload's page without its token goes back to the upload


def member_world(world):
    """For each commune of the world: in its branch an active member, a member who left, a batch of
    dues (the branch collects, into its own operating fund) and the branch's share passed up to the
    commune; made once per world."""
    if getattr(world, "mem", None) is None:
        from app.extensions import db
        from app.members import dues, dues_remit
        from tests.factories_members import end_member, make_member

        def side(commune, branch, tag):
            member = make_member(branch, f"Nguyễn Văn Hội {tag}", commit=False)
            gone = make_member(branch, f"Trần Thị Rời {tag}", commit=False)
            end_member(gone, ended_on=date(2025, 6, 1), commit=False)
            dues.save_setting(commune, enabled=True, amount=20_000, fund_id=None, share_up=0, lapsed_after=2,
                              new_fund=True)
            dues.save_setting(branch, enabled=True, amount=20_000, fund_id=None, share_up=5_000, lapsed_after=2,
                              new_fund=True)
            batch = dues.collect(branch, year=2026, member_ids=[member.id], collected_on=date(2026, 3, 10),
                                 collector=f"Chi hội trưởng {tag}", control_total=20_000)
            remittance = dues_remit.remit(branch, 2026, remitted_on=date(2026, 3, 20))
            db.session.commit()
            return SimpleNamespace(member=member, gone=gone, batch=batch, remittance=remittance, branch=branch)

        from tests.proofs.world import LEAK  # the other commune's names carry the proofs' leak marker

        world.mem = SimpleNamespace(own=side(world.commune, world.branch, "Hòa Bình"),
                                    other=side(world.other_commune, world.other_branch, LEAK))
    return world.mem


def _side(world, own):
    m = member_world(world)
    return m.own if own else m.other


def member(world, own):
    return {"member_id": _side(world, own).member.id}


def gone(world, own):
    return {"member_id": _side(world, own).gone.id}


def batch(world, own):
    return {"batch_id": _side(world, own).batch.id}


def remittance(world, own):
    return {"remittance_id": _side(world, own).remittance.id}


def unit_q(world, own):
    """?don_vi= naming the user's branch (own) or the other commune's branch, with the records above in it."""
    member_world(world)
    return {"don_vi": (world.branch if own else world.other_branch).id}


TABLE = {
    # The register (members.py): the list, export and a member's page for every reader.
    "members.index": Rule(ALL, query=unit_q),
    "members.export": Rule(ALL, query=unit_q),
    "members.detail": Rule(ALL, args=member),
    "members.create": Rule(WRITE),
    "members.edit": Rule(WRITE, args=member),
    "members.end": Rule(WRITE, args=member),
    "members.rejoin": Rule(WRITE, args=gone),  # Vào hội lại: a new row in a unit of the form (unit_id)
    "members.reopen": Rule(WRITE, args=gone),  # Hủy ghi nhận ra khỏi hội (a mistaken end undone)
    # Import from .xlsx (imports.py): the staged upload is the user's own (its token in the session store).
    "members.import_template": Rule(WRITE),
    "members.import_start": Rule(WRITE),
    "members.import_preview": Rule(WRITE, ok_get=STAGED_GET),
    "members.import_confirm": Rule(WRITE),
    # Cards (cards.py).
    "members.cards": Rule(WRITE, query=unit_q),
    "members.cards_print": Rule(WRITE),
    "members.card": Rule(WRITE, args=member),
    # Dues (dues.py).
    "members.dues_index": Rule(ALL),
    "members.dues_settings": Rule(MANAGE, query=unit_q),
    # The unit of a batch is read from the form on POST (don_vi), not from the URL: the swap proof
    # sends the other commune's unit there.
    "members.dues_collect": Rule(COLLECT),
    "members.dues_batch": Rule(ALL, args=batch),
    "members.dues_batch_pdf": Rule(ALL, args=batch),
    "members.dues_void": Rule(TREASURER, args=batch),
    "members.dues_paid": Rule(ALL, query=unit_q),
    "members.dues_paid_export": Rule(ALL, query=unit_q),
    "members.dues_lapsed": Rule(ALL, query=unit_q),
    "members.dues_lapsed_export": Rule(ALL, query=unit_q),
    "members.dues_remit": Rule(TREASURER),
    "members.dues_remit_void": Rule(TREASURER, args=remittance),
    # Populations (population.py): unit.manage.
    # The role is checked before ?don_vi= is read: another commune's unit is 403 to every non-admin,
    # so the own-unit page alone here; the swap proof sends the other commune's units.
    "members.population": Rule(ADMIN),
    # Links (links.py): the member is also a donor.
    "members.link_donor_search": Rule(WRITE, args=member),
    "members.link_donor": Rule(WRITE, args=member),
    "members.create_donor": Rule(DONOR_LINK, args=member),
    "members.unlink_donor": Rule(WRITE, args=member),
}
