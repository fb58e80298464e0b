"""Ids swapped for another commune's: in form fields, htmx/query values and URLs.

Every form field that names a record (…_id, ids, keep_id, a staged upload's token, the `act`
button that carries a nomination id, the per-pig inputs of an opening-day sheet) is listed in
FIELDS with the kind of record it names. A form field that looks like an id and is not listed
fails the proof: a new one must be classified before it can be trusted.
"""
from __future__ import annotations

import io
import re

from tests.proofs import support as S

# field name -> attribute of a world side (world.own / world.other) naming the record it points at
FIELDS = {
    "unit_id": "branch", "parent_id": "branch", "collector_unit_id": "branch",
    "fund_id": "fund", "to_fund_id": "fund2",
    "campaign_id": "campaign",
    "donor_id": "donor", "keep_id": "donor2",
    "pupil_id": "pupil",
    "member_id": "member",  # a volunteer honoree picked from the member register (issue 19)
    "school_id": "school",
    "category_id": "category",
    "round_id": "round",
    "ids": "pending",
    "page_ids": "pending",  # a bulk list's rows on this page (issue 14 A): acted on with scope=page
    "stock_id": "goods_in",  # a stock (unit and item) is named by its first entry
    # A registration's criteria set: the shared sets are everyone's, but a commune's own copy is
    # its own (issue 15, finding 3): the other commune's copy must be refused.
    "criteria_set_id": "criteria_copy",
    # Printing onto blanks (issue 18): the printer whose offsets are applied (0: none); `nguoi`, the
    # honorees ticked for printing, is not a box of the page's form (see cases()).
    "printer_id": "printer",
    # A merge's units (issue 20 D): the units merged away and the one they go into.
    "source_ids": "branch", "target_id": "branch",
}
# A bank queue's per-line inputs (issue 17 B): `campaign-<line id>` names the drive the line is posted
# to, `entry-<line id>` the book entry it is linked to (read with action=link). The queue's `ids` and
# `page_ids` name bank lines there (side_id).
LINE_FIELDS = {"campaign": ("campaign", {}), "entry": ("income", {"action": "link"})}
_LINE_FIELD = re.compile(r"^(campaign|entry)-\d+$")
# Shared national data with nothing of a unit's to swap (none left since criteria sets have owners).
NATIONAL: set[str] = set()
# Field names that are not record ids although they look like one.
NOT_IDS = {"idem_key", "csrf_token"}
_IDISH = re.compile(r"(^|_)ids?$|_id$|^token$|^p\d+-|^(campaign|entry)-\d+$")


def side_id(side, attr: str, endpoint: str) -> int:
    if attr == "pending" and endpoint == "scholarships.payout_page":
        attr = "approved"
    if attr == "pending" and endpoint.startswith("banking."):
        attr = "bank_line"  # the bank queue's ticked lines
    return getattr(side, attr).id


def unclassified(form: S.Form) -> list[str]:
    return [name for name in form.names if _IDISH.search(name) and name not in FIELDS
            and name not in NATIONAL and name not in NOT_IDS and name != "token" and not re.match(r"p\d+-", name)
            and not _LINE_FIELD.match(name)]


def other_token(catalog, endpoint: str) -> str | None:
    """A staged-upload token that belongs to the other commune's clerk (their own upload)."""
    from tests.proofs.specs import commendation_xlsx, pupil_xlsx, scholarship_xlsx

    w = catalog.world
    thief = catalog.client(w.other_user)
    if endpoint == "scholarships.import_confirm":
        target = S.url(catalog.app, "scholarships.import_upload", round_id=w.other.round.id)
        data = {"file": (io.BytesIO(scholarship_xlsx()), "hb.xlsx"), "proposer": "Trường khác"}
    elif endpoint == "commendations.import_confirm":
        target = S.url(catalog.app, "commendations.import_upload", decision_id=w.other.decision.id)
        data = {"file": (io.BytesIO(commendation_xlsx()), "kt.xlsx"), "kind": "pupil"}
    elif endpoint == "members.import_confirm":
        from tests.proofs.specs import member_xlsx

        target = S.url(catalog.app, "members.import_start")
        data = {"file": (io.BytesIO(member_xlsx("Mai Thị Khác")), "hv.xlsx"), "unit_id": str(w.other_branch.id)}
    elif endpoint == "pupils.import_confirm":
        target = S.url(catalog.app, "pupils.import_upload")
        data = {"file": (io.BytesIO(pupil_xlsx("Hà Thị Khác")), "hs.xlsx")}
    else:
        return None
    html = thief.post(target, data=data, content_type="multipart/form-data").get_data(as_text=True)
    for form in S.forms_of(html):
        field = form.get("token")
        if field is not None and field.value:
            return field.value
    return None


def cases(catalog, sub) -> list[tuple[str, dict, dict]]:
    """(what, attack overrides, control overrides) for each id-carrying field of a submission.

    The control overrides name the acting user's own record the same way (empty when the valid
    submission already does): sent after the attack, it must be accepted.
    """
    w, ep = catalog.world, sub.endpoint
    out = []
    for name in sub.form.names:
        if name in FIELDS:
            attr = FIELDS[name]
            own = sub.data.get(name, [""])[0]
            control = {} if own not in ("", "0", None) else {name: str(side_id(w.own, attr, ep))}
            if name == "ids" and not sub.data.get("ids"):
                control = {name: str(side_id(w.own, attr, ep))}
            attack = {name: str(side_id(w.other, attr, ep))}
            if name == "page_ids":  # "this page" names the rows by page_ids alone
                attack |= {"scope": "page", "ids": None}
                control = {}
            out.append((f"{name}=other commune's {attr}", attack, control))
        elif _LINE_FIELD.match(name) and ep == "banking.lines_post":
            attr, extra = LINE_FIELDS[name.split("-")[0]]
            out.append((f"{name}=other commune's {attr}", {name: str(side_id(w.other, attr, ep)), **extra}, {}))
        elif name == "token" and ep.endswith("import_confirm"):
            stolen = other_token(catalog, ep)
            assert stolen, f"{ep}: could not stage the other commune's upload"
            out.append(("token of another commune's upload", {"token": stolen}, {}))
    if ep == "commendations.blank_print":
        # The honorees ticked for printing onto blanks (repeated `nguoi`, read from the POST): another
        # commune's must be refused, not printed, and not taken as "none ticked" (the whole list).
        out.append(("nguoi=other commune's honoree", {"nguoi": str(w.other.honoree.id)},
                    {"nguoi": str(w.own.honoree.id)}))
    if ep.startswith("members.") and "don_vi" in sub.form.names:
        # Issue 19: the unit a members form acts on (cards, dues settings, a dues batch) travels as a
        # hidden don_vi; another commune's branch there must be refused, never acted on.
        out.append(("don_vi=other commune's branch", {"don_vi": str(w.other.branch.id)}, {}))
    if ep == "members.dues_collect":
        # The members ticked on a chi hội's paper list (repeated hoi_vien): another commune's member
        # must be refused with nothing written.
        out.append(("hoi_vien=other commune's member", {"hoi_vien": str(w.other.member.id)}, {}))
    if ep == "scholarships.decide":
        out.append(("act=approve-<other commune's nomination>",
                    {"act": f"approve-{w.other.pending.id}", "ids": None}, {}))
    pig_fields = [k for k in sub.data if re.fullmatch(r"p\d+-amount", k) and sub.data[k][0]]
    if pig_fields:
        mine = pig_fields[0].split("-")[0]
        theirs = f"p{w.other.pig.id}"
        rename = {k.replace(mine, theirs, 1): v for k, v in sub.data.items() if k.startswith(mine + "-")}
        attack = {k: None for k in sub.data if k.startswith(mine + "-")} | rename
        out.append(("opening-day row of another commune's pig", attack, {}))
    return out


def mixed_urls(catalog) -> list[tuple[str, str, str]]:
    """(endpoint, URL naming the user's own record and another commune's, what) for routes with two ids."""
    w, app = catalog.world, catalog.app
    return [("pupils.merge", S.url(app, "pupils.merge", pupil_id=w.own.pupil2.id, other_id=w.other.pupil.id),
             "merge own pupil with another commune's"),
            ("pupils.merge", S.url(app, "pupils.merge", pupil_id=w.other.pupil2.id, other_id=w.own.pupil.id),
             "merge another commune's pupil into own"),
            ("banking.line_reopen", S.url(app, "banking.line_reopen", account_id=w.own.bank_account.id,
                                          line_id=w.other.bank_line.id), "reopen another commune's bank line"),
            ("banking.line_reopen", S.url(app, "banking.line_reopen", account_id=w.other.bank_account.id,
                                          line_id=w.own.bank_line.id), "reopen own line under another's account")]


# query parameter -> attributes of a world side it names (unknown parameters get every id)
QUERY = {"don_vi": ("branch", "unit"), "cap_tren": ("branch", "unit"), "dot": ("campaign",),
         "hoc_sinh": ("pupil", "pupil2"), "truong": ("school",), "loai": ("category",), "keep_id": ("donor", "donor2"),
         "quy": ("fund", "fund2"), "dot_hoc_bong": ("round",), "kho": ("goods_in",),
         "may_in": ("printer",), "sua": ("printer",), "nguoi": ("honoree",)}


def query_ids(world, name: str, every: bool) -> list[int]:
    if every or name not in QUERY:
        return other_ids(world)
    return sorted({getattr(world.other, a).id for a in QUERY[name]})


def other_ids(world) -> list[int]:
    """Every id of the other commune's records (and the commune itself), for query-value swaps."""
    side = world.other
    ids = {world.other_commune.id, world.other_branch.id, world.other_user.id}
    for value in vars(side).values():
        if hasattr(value, "id") and isinstance(getattr(value, "id"), int):
            ids.add(value.id)
    return sorted(ids)


def leaks(text: str) -> list[str]:
    from tests.proofs.world import LEAKS

    return [m for m in LEAKS if m in text]
