"""Commendation routes: decisions, honorees, bulk sources, issuing, printing, criteria, assessments."""
from tests.authz import ALL, Rule
import itertools

from tests.factories_commendations import add, commendation_world

ADMIN = frozenset({"admin"})
# Shared criteria sets are changed only by an admin whose scope is the whole database (the top unit's,
# tests/commendations/test_criteria_owner.py): every role of a commune, its admin included, gets 403.
NOBODY_IN_A_COMMUNE = frozenset()
WRITE = frozenset({"admin", "treasurer", "clerk"})
TREASURER = frozenset({"treasurer"})
_seq = itertools.count(1)


def decision(world, own):
    c = commendation_world(world)
    return {"decision_id": (c.own if own else c.other).id}


def honoree(world, own):
    c = commendation_world(world)
    return {"honoree_id": (c.own_honoree if own else c.other_honoree).id}


def _prize(attr, key, fallback):
    """A prize in the state the page acts on (the proof world's: paid, or reversed and payable again);
    in a world without them, a draft decision's line or the decision (the page explains, changes nothing)."""
    def args(world, own):
        side = getattr(world, "own" if own else "other", None)
        if side is not None and hasattr(side, attr):
            return {key: getattr(side, attr).id}
        return fallback(world, own)
    return args


def fresh_honoree(world, own):
    # Removing deletes the line, so each request in the matrix gets a line of its own.
    c = commendation_world(world)
    return {"honoree_id": add(c.own if own else c.other, "Lê Văn Tạm").id}


def assessment(world, own):
    c = commendation_world(world)
    return {"assessment_id": (c.own_assessment if own else c.other_assessment).id}


def _copies(world):
    """Each commune's own copy of the shared set, made once per world after its assessments."""
    c = commendation_world(world)
    if getattr(c, "own_copy", None) is None:
        from app.commendations.criteria import copy_set
        from app.extensions import db

        c.own_copy, c.other_copy = copy_set(world.commune, c.cset), copy_set(world.other_commune, c.cset)
        db.session.commit()
    return c


def criteria_set(world, own):
    # The shared set (every unit sees it); the other-unit case names the other commune's own copy,
    # which commune A never sees (404 like any record out of reach).
    c = _copies(world)
    return {"set_id": c.cset.id if own else c.other_copy.id}


def criteria_copy(world, own):
    # A commune's own copy: its admin edits and versions it; the other commune's answers 404.
    c = _copies(world)
    return {"set_id": (c.own_copy if own else c.other_copy).id}


def unit_query(world, own):
    return {"don_vi": (world.commune if own else world.other_commune).id}


def _printer_of(unit, name):
    from app.commendations import blanks
    from app.extensions import db

    p = blanks.save_printer(unit, name, -1.5, 2.0)
    db.session.commit()
    return p


def printer(world, own):
    """A printer of each commune (phôi giấy khen), made once per world; the other one's is marked."""
    if getattr(world, "blank_printers", None) is None:
        world.blank_printers = (_printer_of(world.commune, "Máy in văn phòng"),
                                _printer_of(world.other_commune, "Máy in Zyx"))
    return {"printer_id": world.blank_printers[0 if own else 1].id}


def fresh_printer(world, own):
    # Deleting removes it, so each request in the matrix gets a printer of its own.
    unit = world.commune if own else world.other_commune
    return {"printer_id": _printer_of(unit, f"Máy in tạm {next(_seq)}").id}


def logo_query(world, own):
    """Each commune's uploaded logo (made once per world): the image answers 200 only when there is one."""
    if not getattr(world, "blank_logos", False):
        import io

        from PIL import Image
        from werkzeug.datastructures import FileStorage

        from app.commendations import logos
        from app.extensions import db

        for unit in (world.commune, world.other_commune):
            buffer = io.BytesIO()
            Image.new("RGB", (60, 30), (0, 90, 200)).save(buffer, format="PNG")
            buffer.seek(0)
            logos.save_logo(unit, FileStorage(buffer, filename="bieu-trung.png", content_type="image/png"))
        db.session.commit()
        world.blank_logos = True
    return unit_query(world, own)


def printer_query(world, own):
    return {"may_in": printer(world, own)["printer_id"]}


TABLE = {
    # The honorees list across decisions; `don_vi` names the acting user's commune or the other one (404).
    "commendations.honorees_all": Rule(ALL, query=lambda world, own: {
        "don_vi": (world.commune if own else world.other_commune).id}),
    "commendations.honorees_all_export": Rule(ALL, query=lambda world, own: {
        "don_vi": (world.commune if own else world.other_commune).id}),
    "commendations.index": Rule(ALL),
    "commendations.decisions_export": Rule(ALL),
    "commendations.create": Rule(WRITE),
    "commendations.detail": Rule(ALL, args=decision),
    "commendations.edit": Rule(WRITE, args=decision),
    "commendations.add": Rule(WRITE, args=decision),
    "commendations.edit_honoree": Rule(WRITE, args=honoree),
    "commendations.remove": Rule(WRITE, args=fresh_honoree),
    "commendations.paste": Rule(WRITE, args=decision),
    "commendations.from_round": Rule(WRITE, args=decision),
    "commendations.from_campaign": Rule(WRITE, args=decision),
    "commendations.from_assessments": Rule(WRITE, args=decision),
    "commendations.import_template": Rule(WRITE, args=decision),
    "commendations.import_upload": Rule(WRITE, args=decision),
    # POST only; without a staged upload it answers 303 back to the upload page.
    "commendations.import_confirm": Rule(WRITE, args=decision),
    "commendations.pick": Rule(WRITE, args=decision),
    "commendations.issue": Rule(ADMIN, args=decision),
    # Prize money after issuing (hoàn chi, chi lại): treasurers; a draft's pages explain and change nothing.
    # Many lines at once (issue 14 A): step 1 answers a confirm page and writes nothing.
    "commendations.lines_remove": Rule(WRITE, args=decision),
    "commendations.lines_pay": Rule(TREASURER, args=decision),
    "commendations.lines_print": Rule(ALL, args=decision),
    "commendations.prize_reverse": Rule(TREASURER, args=_prize("prize", "honoree_id", honoree)),
    "commendations.prize_pay": Rule(TREASURER, args=_prize("prize_back", "honoree_id", honoree)),
    "commendations.decision_prize_reverse": Rule(TREASURER, args=_prize("total_prize", "decision_id", decision)),
    "commendations.decision_prize_pay": Rule(TREASURER, args=_prize("total_back", "decision_id", decision)),
    "commendations.amend": Rule(WRITE, args=decision),
    "commendations.decision_pdf": Rule(ALL, args=decision),
    "commendations.honorees_export": Rule(ALL, args=decision),
    "commendations.list_pdf": Rule(ALL, args=decision),
    "commendations.print_list": Rule(ALL, args=decision),
    "commendations.print_certificates": Rule(ALL, args=decision),
    "commendations.certificate_pdf": Rule(ALL, args=honoree),
    "commendations.certificate_preview": Rule(ALL, args=honoree),
    "commendations.criteria_index": Rule(ALL),
    "commendations.criteria_detail": Rule(ALL, args=criteria_set),
    "commendations.criteria_create": Rule(NOBODY_IN_A_COMMUNE),
    "commendations.criteria_seed": Rule(NOBODY_IN_A_COMMUNE),
    "commendations.criteria_edit": Rule(ADMIN, args=criteria_copy),
    "commendations.criteria_new_version": Rule(ADMIN, args=criteria_copy),
    # The commune's own copy of a shared set it uses (a second one is refused with 422, not 403).
    "commendations.criteria_copy": Rule(ADMIN, args=criteria_set),
    "commendations.assessments": Rule(ALL),
    "commendations.assessments_export": Rule(ALL),
    "commendations.assessment_create": Rule(WRITE),
    "commendations.assessment": Rule(ALL, args=assessment),
    "commendations.assessment_score": Rule(WRITE, args=assessment),
    "commendations.settings": Rule(ADMIN, query=unit_query),
    "commendations.settings_preview": Rule(ADMIN, query=unit_query),
    # Issue 18: the unit's own logo, and printing onto pre-printed blanks (phôi). Setting them up is
    # the issuer's (commendation.issue: the admin) on the unit named by ?don_vi= or the printer's unit;
    # the calibration page and printing a decision's certificates are papers anyone who sees them reads.
    "commendations.logo": Rule(ADMIN, query=unit_query),
    # Without a logo to remove, it goes back to the logo page saying so (303).
    "commendations.logo_remove": Rule(ADMIN, query=unit_query),
    # The logo as an image for the pages: anyone who sees the unit (it is printed on its certificates).
    "commendations.logo_image": Rule(ALL, query=logo_query),
    "commendations.blank_layout": Rule(ADMIN, query=unit_query),
    # Two URLs: /may-in?don_vi= adds a printer (tests/proofs/specs.py submits that one), /may-in/<id> edits one.
    "commendations.blank_printer_save": Rule(ADMIN, args=printer),
    "commendations.blank_printer_delete": Rule(ADMIN, args=fresh_printer),
    "commendations.blank_calibration": Rule(ALL, query=printer_query),
    "commendations.blank_print": Rule(ALL, args=decision),
    "commendations.blank_sheet": Rule(ALL, args=decision, query=lambda world, own: {
        "nguoi": (commendation_world(world).own_honoree if own else commendation_world(world).other_honoree).id}),
    # The certificates one PDF per class, school or village: the page, and one group's print job.
    "commendations.certificate_groups": Rule(ALL, args=decision),
    "commendations.print_certificates_group": Rule(ALL, args=decision),
}
