"""What each state-changing route needs to be submitted successfully (tests/proofs/catalog.py reads
the rest from the route's page): the role, a fresh record of the user's own commune to act on, the
values a valid form needs, and where a POST-only route's form lives.

Routes without a Spec get the default: the acting role and URL from tests/authz, the form from
the route's own GET page (or a page of its blueprint holding it). A route whose default does not
make a working submission fails its control in every proof, naming the route: add a Spec here.
"""
from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from app.extensions import db
from tests.factories import PASSWORD, make_unit, make_user
from tests.proofs import support as S

_seq = itertools.count(1)
DAY = "2026-03-10"
STRONG = "Mua-xuan-Lai-Vung-2026"


def n() -> int:
    return next(_seq)


@dataclass
class Spec:
    role: str | Callable | None = None  # "admin" ... or "anon", or world -> user
    args: Callable | None = None  # world -> URL arguments naming a fresh own record
    host: str | None = None  # the page carrying the form, for POST-only routes
    host_args: Callable | None = None
    page: Callable | None = None  # (catalog, client, world) -> HTML holding the form, when a GET is not enough
    data: Callable | None = None  # (world, form) -> {name: value | [values] | None (drop)}
    files: Callable | None = None  # world -> {name: (bytes, filename)}
    ok: Callable | None = None  # (resp, changed) -> bool: the control worked
    late: bool = False  # its control changes what other routes use: run it last
    ignores: frozenset = frozenset()  # fields the submitted action does not read (bad values there are moot)


def _fresh_campaign(w, closed=False):
    from app.campaigns import services as campaigns
    from tests.factories_donations import make_campaign

    c = make_campaign(w.commune, name=f"Đợt thử {n()}", fund=w.own.fund)
    if closed:
        campaigns.set_status(c, "closed")
        db.session.commit()
    return c


def _fresh_decision(w, issued=False, honoree=False):
    from app.commendations import issuing
    from tests.factories_commendations import add, make_decision

    d = make_decision(w.commune, number=f"{n()}/QĐ-KT", fund=w.own.fund, amount=50_000)
    h = add(d, f"Nguyễn Thị Mới {n()}", amount=50_000)
    if issued:
        issuing.issue(d)
        db.session.commit()
    return h if honoree else d


def _fresh_prize(w, mode="each", reversed_=False):
    """An issued decision's prize: the honoree ("each") or the decision ("total"), paid, or reversed
    (then it can be paid again)."""
    from app.commendations import issuing, prizes
    from tests.factories_commendations import add, make_decision

    d = make_decision(w.commune, number=f"{n()}/QĐ-KT", fund=w.own.fund, amount=50_000, payment_mode=mode)
    h = add(d, f"Nguyễn Thị Thưởng {n()}", amount=50_000)
    issuing.issue(d)
    target = d if mode == "total" else h
    if reversed_:
        prizes.reverse_prize(target, "Trao nhầm")
    db.session.commit()
    return target


def _fresh_pupil(w, name=None):
    from tests.factories_scholarships import make_pupil

    return make_pupil(w.commune, name or f"Đỗ Văn Mới{chr(97 + n() % 26)} {n()}", school=w.own.school)


def _fresh_nomination(w, status="pending"):
    from app.scholarships import payout, services
    from tests.factories_scholarships import make_nomination

    nom = make_nomination(w.own.round, _fresh_pupil(w), w.own.category)
    if status in ("approved", "paid"):
        services.approve(w.own.round, [nom])
    if status == "paid":
        payout.pay(nom, date(2026, 3, 10))
    db.session.commit()
    return nom


def _fresh_round(w):
    from tests.factories_scholarships import make_round

    return make_round(w.commune, fund=w.own.fund2, fund_money=0, name=f"Học bổng sửa {n()}")


def _fresh_category(w):
    from tests.factories_scholarships import make_category

    return make_category(w.own.round, 400_000, name=f"Loại sửa {n()}")


def _fresh_school(w):
    from tests.factories_scholarships import make_school

    return make_school(w.commune, f"Trường Tiểu học Sửa {n()}")


def _fresh_user(w):
    return make_user(w.branch, "clerk", username=f"tam{n()}")


def _fresh_unit(w):
    return make_unit(w.branch, f"Tổ thử {n()}", "village")


def _pig(w, opened=False, opening=False):
    from tests.factories_piggybanks import make_opening, make_pig

    pig = make_pig(w.branch, f"Hộ ông Thử {n()}")
    if opened or opening:
        done = make_opening(pig)
        if opening:
            return done
    return pig


def donation_xlsx(rows=None, name="Trần Văn Nhập") -> bytes:
    from app.core.xlsx import build_workbook
    from app.donations import importer

    rows = rows if rows is not None else [[date(2026, 3, 5), name, "Cá nhân", "Ấp Tân Lộc", "", 250000,
                                           "Tiền mặt", "", "Tháng Khuyến học Hòa Bình", "", ""]]
    return build_workbook(importer.HEADERS, rows)


def scholarship_xlsx(rows=None, name="Võ Thị Nhập") -> bytes:
    from app.core.xlsx import build_workbook
    from app.scholarships import importing

    rows = rows if rows is not None else [[1, name, "05/02/2013", "Nữ", "Kinh", "", "7A1", "Ấp Tân Lộc", "",
                                           "", "Hộ nghèo", "Vượt khó Hòa Bình", "", "Nhà khó khăn"]]
    return build_workbook(importing.HEADERS, rows)


def pupil_xlsx(name="Hà Thị Nhập") -> bytes:
    from app.core.xlsx import build_workbook
    from app.pupils import importing

    return build_workbook(importing.HEADERS, [[1, name, "05/02/2013", "Nữ", "Kinh", "", "7A1", "Ấp Tân Lộc", "",
                                               "912345678", "Hộ nghèo"]])


def _pupil_confirm_page(cat, client, w):
    resp = client.post(S.url(cat.app, "pupils.import_upload"),
                       data={"file": (io.BytesIO(pupil_xlsx(name=f"Hà Thị Nhập {n()}")), "hs.xlsx")},
                       content_type="multipart/form-data")
    return resp.get_data(as_text=True)


def _donation_import(w):
    from app.donations import importer
    from openpyxl import load_workbook

    user = w.users["treasurer"]
    sheet = load_workbook(io.BytesIO(donation_xlsx()), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    imp = importer.store(user, user.unit, "dong-gop.xlsx", importer.parse_rows(rows, user.unit))
    db.session.commit()
    return {"token": imp.token}


def _scholarship_confirm_page(cat, client, w):
    """The confirm form only exists on the preview that an upload answers with."""
    resp = client.post(S.url(cat.app, "scholarships.import_upload", round_id=w.own.round.id),
                       data={"file": (io.BytesIO(scholarship_xlsx(name=f"Võ Thị Nhập {n()}")), "hb.xlsx"),
                             "proposer": "Trường THCS Hòa Bình"}, content_type="multipart/form-data")
    return resp.get_data(as_text=True)


def commendation_xlsx(rows=None, name="Lâm Thị Nhập") -> bytes:
    from app.commendations import importing
    from app.core.xlsx import build_workbook

    rows = rows if rows is not None else [[1, name, "Học sinh", "", "05/02/2013", "Lớp 7A1", "Học sinh giỏi",
                                           100000, ""]]
    return build_workbook(importing.HEADERS, rows)


def _commendation_confirm_page(cat, client, w):
    resp = client.post(S.url(cat.app, "commendations.import_upload", decision_id=cat.last_args["decision_id"]),
                       data={"file": (io.BytesIO(commendation_xlsx(name=f"Lâm Thị Nhập {n()}")), "kt.xlsx"),
                             "kind": "pupil"}, content_type="multipart/form-data")
    return resp.get_data(as_text=True)


def _preview_page(cat, client, w):
    """The settings form as its "Xem thử" button sends it: to the preview address."""
    html = client.get(S.url(cat.app, "commendations.settings")).get_data(as_text=True)
    preview = S.url(cat.app, "commendations.settings_preview")
    return re.sub(r'(<form method="post" action=")[^"]*(" id="settings-form")', rf"\g<1>{preview}\g<2>", html)


def _first(form, pattern):
    return next((f.name for f in form.fields if re.fullmatch(pattern, f.name)), None)


def _piggy_batch(w, form):
    """One pig of the sheet opened and split (so every box of its row is read), the rest left blank."""
    amount = _first(form, r"p\d+-amount")
    row = amount.removesuffix("amount")
    return {amount: "50.000", row + "disposition": "split", row + "kept": "10.000", "control_total": "50.000",
            "witness1": "Trần Văn Bảy", "witness2": "Lê Thị Tám", "step": "confirm"}  # the confirmation page's button


def _lines_confirm_page(endpoint):
    """A decision list's bulk action (issue 14 A): its form is the confirm page that step 1 answers."""
    def page(cat, client, w):
        resp = client.post(S.url(cat.app, endpoint, decision_id=cat.last_args["decision_id"]),
                           data={"scope": "all"})
        return resp.get_data(as_text=True)
    return page


def _print_lines_page(cat, client, w):
    url = S.url(cat.app, "commendations.lines_print", decision_id=cat.last_args["decision_id"])
    return f'<form method="post" action="{url}"><input type="hidden" name="scope" value="all"></form>'


def _own_unit(w):
    return {"don_vi": w.commune.id}


def _logo_png() -> bytes:
    """A small PNG of its own colour each time (a second upload replaces the first with other bytes)."""
    from PIL import Image

    k = n()
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), (k % 256, (k * 7) % 256, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _with_logo(w):
    """The commune's logo uploaded, so its page offers "Xóa biểu trưng"."""
    from werkzeug.datastructures import FileStorage

    from app.commendations import logos

    logos.save_logo(w.commune, FileStorage(io.BytesIO(_logo_png()), filename="bieu-trung.png",
                                           content_type="image/png"))
    db.session.commit()
    return _own_unit(w)


def _fresh_printer(w, unit=None, name=None):
    from app.commendations import blanks

    printer = blanks.save_printer(unit or w.commune, name or f"Máy in tạm {n()}", -1.5, 2.0)
    db.session.commit()
    return printer


def _decide(w, form):
    return {"ids": str(_fresh_nomination(w).id), "act": "approve"}


def _payout(w, form):
    return {"ids": str(_fresh_nomination(w, "approved").id), "control_total": "500.000"}


def _pay_one_host(w):
    return {"round_id": w.own.round.id}


def _ok_preview(resp, changed):
    return resp.status_code == 200 and "xac-nhan" in resp.get_data(as_text=True)


def _ok_login(resp, changed):
    return resp.status_code in (302, 303)


SPECS: dict[str, Spec] = {
    "auth.login": Spec(role="anon", data=lambda w, f: {"username": "clerk_a", "password": PASSWORD},
                       ok=_ok_login),
    "auth.logout": Spec(role=lambda w: w.spare["logout"], host="dashboard.index", late=True),
    "auth.change_password": Spec(role=lambda w: w.spare["password"], late=True, data=lambda w, f: {
        "current": PASSWORD, "password": STRONG, "confirm": STRONG}),
    "campaigns.create": Spec(data=lambda w, f: {"name": f"Đợt mới {n()}"}),
    "campaigns.edit": Spec(args=lambda w: {"campaign_id": _fresh_campaign(w).id}),
    "campaigns.close": Spec(args=lambda w: {"campaign_id": _fresh_campaign(w).id}),
    "campaigns.reopen": Spec(args=lambda w: {"campaign_id": _fresh_campaign(w, closed=True).id}),
    "commendations.create": Spec(data=lambda w, f: {"number": f"{n()}/QĐ-TN"}),
    "commendations.edit": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id}),
    "commendations.add": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id},
                              data=lambda w, f: {"name": f"Lý Thị Khen {n()}"}),
    "commendations.edit_honoree": Spec(args=lambda w: {"honoree_id": _fresh_decision(w, honoree=True).id}),
    "commendations.remove": Spec(args=lambda w: {"honoree_id": _fresh_decision(w, honoree=True).id}),
    "commendations.paste": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id},
                                data=lambda w, f: {"text": "Nguyễn Văn Dán\tHọc sinh giỏi"}),
    "commendations.from_round": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id},
                                     data=lambda w, f: {"round_id": str(w.own.round.id)}),
    "commendations.from_campaign": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id},
                                        data=lambda w, f: {"campaign_id": str(w.own.campaign.id),
                                                           "min_amount": "100.000"}),
    "commendations.from_assessments": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id}),
    "commendations.issue": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id}),
    "commendations.amend": Spec(args=lambda w: {"decision_id": _fresh_decision(w, issued=True).id}),
    "commendations.lines_remove": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id},
                                       page=_lines_confirm_page("commendations.lines_remove"),
                                       data=lambda w, f: {"step": "confirm"}),
    "commendations.lines_pay": Spec(args=lambda w: {"decision_id": _fresh_prize(w, reversed_=True).decision_id},
                                    page=_lines_confirm_page("commendations.lines_pay"),
                                    data=lambda w, f: {"control_total": "50.000", "step": "confirm"}),
    "commendations.lines_print": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id}, page=_print_lines_page),
    "commendations.prize_reverse": Spec(args=lambda w: {"honoree_id": _fresh_prize(w).id}),
    "commendations.prize_pay": Spec(args=lambda w: {"honoree_id": _fresh_prize(w, reversed_=True).id}),
    "commendations.decision_prize_reverse": Spec(args=lambda w: {"decision_id": _fresh_prize(w, "total").id}),
    "commendations.decision_prize_pay": Spec(args=lambda w: {
        "decision_id": _fresh_prize(w, "total", reversed_=True).id}),
    "commendations.import_upload": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id}, ok=_ok_preview,
                                        files=lambda w: {"file": (commendation_xlsx(), "kt.xlsx")}),
    "commendations.import_confirm": Spec(args=lambda w: {"decision_id": _fresh_decision(w).id},
                                         page=_commendation_confirm_page),
    "commendations.print_list": Spec(host="commendations.detail", host_args=lambda w: {
        "decision_id": w.own.decision.id}),
    "commendations.print_certificates": Spec(host="commendations.detail", host_args=lambda w: {
        "decision_id": w.own.decision.id}),
    # Shared criteria sets: only the top unit's admin (issue 15, finding 3); a commune admin edits and
    # versions the commune's own copy, and copies a shared set.
    "commendations.criteria_create": Spec(role=lambda w: w.province_admin, data=lambda w, f: {
        "name": f"Bộ tiêu chí mới {n()}", "year": "2026", "pass_total": "80",
        "criteria": "Con em học tập tốt | 50\nNgười lớn học tập | 50"}),
    "commendations.criteria_seed": Spec(role=lambda w: w.province_admin),
    "commendations.criteria_edit": Spec(args=lambda w: {"set_id": w.spare_copy().id}),
    "commendations.criteria_new_version": Spec(args=lambda w: {"set_id": w.spare_copy().id}),
    "commendations.criteria_copy": Spec(args=lambda w: {"set_id": w.spare_set().id}),
    "commendations.assessment_create": Spec(data=lambda w, f: {"name": f"Hộ ông Đánh Giá {n()}", "year": "2026"}),
    "commendations.assessment_score": Spec(host="commendations.assessment", host_args=lambda w: {
        "assessment_id": w.own.assessment.id}),
    # "Xem mẫu cho" (mau) only picks the preview's sample kind; saving never reads it.
    "commendations.settings": Spec(ignores=frozenset({"mau"})),
    # "Xem thử" without JavaScript posts the settings form to the preview (its button's formaction):
    # it writes nothing, so the control is a 200 that changed nothing. An unknown "Xem mẫu cho" (mau)
    # shows the default sample, as on the settings page.
    "commendations.settings_preview": Spec(page=_preview_page, ignores=frozenset({"mau"}), ok=lambda resp, changed: (
        resp.status_code == 200 and not changed)),
    # Issue 18: the unit's logo, the blanks' layout and printers, printing onto blanks, one group's certificates.
    "commendations.logo": Spec(files=lambda w: {"file": (_logo_png(), "bieu-trung.png")}),
    "commendations.logo_remove": Spec(args=_with_logo, host="commendations.logo", host_args=_own_unit),
    "commendations.blank_layout": Spec(args=_own_unit),
    "commendations.blank_printer_save": Spec(args=_own_unit, host="commendations.blank_layout", host_args=_own_unit,
                                             data=lambda w, f: {"name": f"Máy in mới {n()}"}),
    "commendations.blank_printer_delete": Spec(args=lambda w: {"printer_id": _fresh_printer(w).id},
                                               host="commendations.blank_layout", host_args=_own_unit),
    # The world's decision (its honoree is the one a ticked `nguoi` names, tests/proofs/swaps.py).
    "commendations.blank_print": Spec(args=lambda w: {"decision_id": w.own.decision.id}),
    "commendations.print_certificates_group": Spec(args=lambda w: {"decision_id": w.own.decision.id},
                                                   host="commendations.certificate_groups",
                                                   host_args=lambda w: {"decision_id": w.own.decision.id}),
    # A cash gift: the goods quantity box is read only for a gift in kind (its bad values are moot here).
    "donations.entry": Spec(data=lambda w, f: {"campaign_id": str(w.own.campaign.id),
                                               "donor_name": f"Phan Văn Góp {n()}", "amount": "150.000"},
                            ignores=frozenset({"quantity"})),
    "donations.batch_entry": Spec(data=lambda w, f: {
        "campaign_id": str(w.own.campaign.id), "rows-0-name": f"Trần Văn Lô {n()}", "rows-0-amount": "100.000",
        "control_total": "100.000"}),
    "donations.void": Spec(args=lambda w: {"donation_id": w.fresh_donation().id}),
    "donations.donor_edit": Spec(args=lambda w: {"donor_id": w.fresh_donor().id}),
    "donations.donor_merge": Spec(args=lambda w: {"donor_id": w.fresh_donor_pair()[1].id}),
    "donations.import_upload": Spec(files=lambda w: {"file": (donation_xlsx(), "dong-gop.xlsx")}),
    "donations.import_preview": Spec(args=_donation_import),
    "funds.create": Spec(data=lambda w, f: {"name": f"Quỹ mới {n()}"}),
    "funds.payment": Spec(args=lambda w: {"fund_id": w.own.fund.id}, data=lambda w, f: {
        "amount": "100.000", "recipient": "Trần Văn Nhận", "purpose": "Chi học bổng"}),
    "funds.transfer": Spec(args=lambda w: {"fund_id": w.own.fund.id}, data=lambda w, f: {
        "to_fund_id": str(w.own.fund2.id), "amount": "100.000", "reason": "Điều chuyển"}),
    "funds.void": Spec(args=lambda w: {"entry_id": w.fresh_payment().id}),
    "funds.correct": Spec(args=lambda w: {"entry_id": _closed_entry(w).id}),
    "periods.close": Spec(args=lambda w: {"unit_id": make_unit(w.commune).id, "year": 2021}),
    "periods.reopen": Spec(args=lambda w: {"period_id": _closed_period(w).id}),
    # The world's notebooks: a stock is named by its first entry (another "vở" stock may be older).
    "goods.give_out": Spec(data=lambda w, f: {"stock_id": str(w.own.goods_in.id), "quantity": "1",
                                              "recipient": "Trường Tiểu học Thử", "purpose": "Phát vở"}),
    "goods.void": Spec(args=lambda w: {"entry_id": _fresh_hand_out(w).id}),
    "piggybanks.issue": Spec(data=lambda w, f: {"names": "Hộ ông Một\nHộ bà Hai", "prefix": f"PX{n()}"}),
    "piggybanks.open_pig": Spec(args=lambda w: {"pig_id": _pig(w).id}, data=lambda w, f: {
        "amount": "120.000", "witness1": "Trần Văn Bảy", "witness2": "Lê Thị Tám"}),
    "piggybanks.reissue": Spec(args=lambda w: {"pig_id": _pig(w, opened=True).id}),
    "piggybanks.retire": Spec(args=lambda w: {"pig_id": _pig(w).id}),
    "piggybanks.change_code": Spec(args=lambda w: {"pig_id": _pig(w).id},
                                   data=lambda w, f: {"code": f"SUA-{n()}", "reason": "Gõ nhầm tiền tố"}),
    "piggybanks.void_opening": Spec(args=lambda w: {"opening_id": _pig(w, opening=True).id}),
    "piggybanks.batch_entry": Spec(args=lambda w: {"don_vi": (_pig(w), w.branch)[1].id}, data=_piggy_batch),
    "pupils.create": Spec(data=lambda w, f: {"full_name": f"Đặng Văn Mới {chr(97 + n() % 26)}{n()}"}),
    "pupils.edit": Spec(args=lambda w: {"pupil_id": _fresh_pupil(w).id}),
    "pupils.add_result": Spec(args=lambda w: {"pupil_id": _fresh_pupil(w).id}, data=lambda w, f: {
        "school_year": "2025-2026", "old_text": "Học sinh giỏi"}),
    "pupils.add_achievement": Spec(args=lambda w: {"pupil_id": _fresh_pupil(w).id}, data=lambda w, f: {
        "school_year": "2025-2026", "title": "Giải nhất Toán cấp huyện"}),
    "pupils.add_sponsorship": Spec(args=lambda w: {"pupil_id": _fresh_pupil(w).id}, data=lambda w, f: {
        "sponsor_name": "Cô Lê Thị Hạnh", "start_date": DAY, "amount": "200.000"}),
    "pupils.merge": Spec(args=lambda w: {"pupil_id": _fresh_pupil(w, "Bùi Thị Trùng").id,
                                         "other_id": _fresh_pupil(w, "Bùi Thị Trùng").id}),
    "pupils.school_create": Spec(data=lambda w, f: {"name": f"Trường Tiểu học Mới {n()}"}),
    "pupils.school_edit": Spec(args=lambda w: {"school_id": _fresh_school(w).id}),
    "scholarships.round_create": Spec(data=lambda w, f: {"name": f"Học bổng mới {n()}", "school_year": "2025-2026",
                                                         "budget": "1.000.000"}),
    "scholarships.round_edit": Spec(args=lambda w: {"round_id": _fresh_round(w).id}),
    "scholarships.category_create": Spec(args=lambda w: {"round_id": w.own.round.id}, data=lambda w, f: {
        "name": f"Loại mới {n()}", "amount": "300.000"}),
    "scholarships.category_edit": Spec(args=lambda w: {"category_id": _fresh_category(w).id}),
    "scholarships.nominate": Spec(args=lambda w: {"round_id": w.own.round.id, "hoc_sinh": _fresh_pupil(w).id},
                                  data=lambda w, f: {"category_id": str(w.own.category.id)}),
    "scholarships.decide": Spec(role="admin", host="scholarships.round_detail", ignores=frozenset({"reason"}),
                                host_args=lambda w: {"round_id": w.own.round.id}, data=_decide),
    "scholarships.reject_one": Spec(args=lambda w: {"nomination_id": _fresh_nomination(w).id}),
    "scholarships.include_sponsored": Spec(host="scholarships.round_detail", host_args=lambda w: {
        "round_id": w.own.round.id, "_": w.fresh_sponsored_category().id},
                                           data=lambda w, f: {"category_id": str(w.sponsored_category.id)}),
    "scholarships.payout_page": Spec(args=lambda w: {"round_id": w.own.round.id}, data=_payout),
    "scholarships.pay_one": Spec(args=lambda w: {"nomination_id": _fresh_nomination(w, "approved").id},
                                 host="scholarships.payout_page", host_args=_pay_one_host),
    "scholarships.reverse": Spec(args=lambda w: {"nomination_id": _fresh_nomination(w, "paid").id}),
    "pupils.import_upload": Spec(files=lambda w: {"file": (pupil_xlsx(f"Hà Thị Nhập {n()}"), "hs.xlsx")},
                                 ok=_ok_preview),
    "pupils.import_confirm": Spec(page=_pupil_confirm_page),
    "scholarships.import_upload": Spec(args=lambda w: {"round_id": w.own.round.id},
                                       files=lambda w: {"file": (scholarship_xlsx(), "hb.xlsx")}, ok=_ok_preview),
    "scholarships.import_confirm": Spec(args=lambda w: {"round_id": w.own.round.id},
                                        page=_scholarship_confirm_page),
    "units.create": Spec(data=lambda w, f: {"name": f"Chi hội mới {n()}", "kind": "village"}),
    "units.edit": Spec(args=lambda w: {"unit_id": _fresh_unit(w).id}),
    "units.move": Spec(args=lambda w: {"unit_id": _fresh_unit(w).id},
                       data=lambda w, f: {"parent_id": str(w.commune.id)}),
    "units.toggle_active": Spec(args=lambda w: {"unit_id": _fresh_unit(w).id}),
    "users.create": Spec(data=lambda w, f: {"username": f"moi{n()}", "full_name": "Nguyễn Thị Mới",
                                            "roles": "clerk", "password": STRONG}),
    "users.detail": Spec(args=lambda w: {"user_id": _fresh_user(w).id}),
    "users.reset_password": Spec(args=lambda w: {"user_id": _fresh_user(w).id},
                                 data=lambda w, f: {"password": STRONG, "confirm": STRONG}),
    "users.toggle_active": Spec(args=lambda w: {"user_id": _fresh_user(w).id}),
}


# ---- banking (issue 17) -------------------------------------------------------------------------
# Accounts, lines and staged statements come from tests/authz/table_banking.py's helpers; the proof
# world's own and other commune each get an account with a waiting line (extend_world, _bank_side).

def _bank_queue(w):
    """A fresh account of the commune with one waiting incoming line (the queue's page shows it), and a
    transfer gift typed by hand of its amount and day: the line's row offers that book entry to link
    (its `entry-<line>` select), so the swaps reach that field too."""
    from tests.authz.table_banking import fresh_account, make_line
    from tests.factories_donations import make_donation

    account = fresh_account(w.commune)
    amount, day = 150_000 + 1_000 * n(), date(2026, 3, 10)
    make_donation(w.own.campaign, amount, donor=w.own.donor, day=day, method="transfer")
    make_line(account, amount=amount, day=day, description=f"NGUYEN VAN AN chuyen tien {n()}")
    return account


def _line_id(form) -> str:
    return _first(form, r"name-\d+").removeprefix("name-")


def _post_line(w, form):
    """Tick the page's line and post it as a gift to the commune's drive (name as the page preset it)."""
    line = _line_id(form)
    return {"ids": line, "action": "post", f"campaign-{line}": str(w.own.campaign.id)}


def _ignore_line(w, form):
    return {"ids": _line_id(form), "reason": "Phí dịch vụ ngân hàng"}


def _queue_page(endpoint, **query):
    """The queue's bulk form; "Bỏ qua" is its formaction button, so that form is aimed at lines_ignore."""
    def page(cat, client, w):
        account_id = cat.last_args["account_id"]
        html = client.get(S.url(cat.app, "banking.lines", account_id=account_id, **query)).get_data(as_text=True)
        post = S.url(cat.app, "banking.lines_post", account_id=account_id)
        return html.replace(f'action="{post}"', f'action="{S.url(cat.app, endpoint, account_id=account_id)}"')
    return page


def _reopen_page(cat, client, w):
    return client.get(S.url(cat.app, "banking.lines", account_id=cat.last_args["account_id"],
                            trang_thai="all")).get_data(as_text=True)


def _preview_page(cat, client, w):
    return client.get(S.url(cat.app, "banking.statement_preview", **cat.last_args)).get_data(as_text=True)


def _bank_upload(w):
    from app.banking.statements import sample_statement

    account = w.own.bank_account
    k = n()
    return {"file": (sample_statement("vcb", [(date(2026, 3, 9), 250_000 + k, "in",
                                               f"TRAN VAN NHAP chuyen tien {k}", f"FTUP{k}")],
                                      account_number=account.account_number), "sao-ke.xlsx")}


def _to(endpoint_path: str):
    """The control of a step that writes nothing to the database: it leads to the next step's page."""
    def ok(resp, changed):
        return resp.status_code in (302, 303) and re.search(endpoint_path, S.location(resp) or "") is not None
    return ok


def _ok_key_page(resp, changed):
    """A new key is shown on the answer itself (once), not after a redirect."""
    return resp.status_code == 200 and bool(changed)


def _bank_account_data(w, form):
    return {"bin": "970436", "account_number": f"0072{n():09d}", "account_name": "HOI KHUYEN HOC XA TAN PHU"}


class Named(frozenset):
    """Field names by pattern, for per-line inputs whose names carry the line's id (`name-12`)."""

    def __new__(cls, *patterns):
        return super().__new__(cls, patterns)

    def __contains__(self, name) -> bool:
        return any(re.fullmatch(p, str(name)) for p in self)


# "Bỏ qua" reads the ticked lines and the reason, not the lines' names, drives or book entries.
_IGNORE_READS_NOT = Named(r"(name|campaign|entry)-\d+", "action")
# "Ghi thành khoản đóng góp" (action=post) reads the drive and the name; the book entry only with action=link.
_POST_READS_NOT = Named(r"entry-\d+")


BANK_SPECS = {
    "banking.account_new": Spec(data=_bank_account_data),
    # An edit that changes nothing writes nothing (no audit row): the control renames the label.
    "banking.account_edit": Spec(args=lambda w: {"account_id": _bank_queue(w).id},
                                 data=lambda w, f: {"label": f"Tài khoản quỹ {n()}"}),
    "banking.webhook_key": Spec(args=lambda w: {"account_id": _bank_queue(w).id}, ok=_ok_key_page),
    "banking.lines_post": Spec(args=lambda w: {"account_id": _bank_queue(w).id},
                               page=_queue_page("banking.lines_post"), data=_post_line,
                               ignores=_POST_READS_NOT),
    "banking.lines_ignore": Spec(args=lambda w: {"account_id": _bank_queue(w).id},
                                 page=_queue_page("banking.lines_ignore"), data=_ignore_line,
                                 ignores=_IGNORE_READS_NOT),
    "banking.line_reopen": Spec(page=_reopen_page),
    "banking.statement_upload": Spec(args=lambda w: {"account_id": w.own.bank_account.id}, files=lambda w: _bank_upload(w),
                                     ok=_to(r"/sao-ke/[0-9a-f]+$")),
    "banking.statement_mapping": Spec(ok=_to(r"/sao-ke/[0-9a-f]+$")),
    "banking.statement_confirm": Spec(page=_preview_page),
}
SPECS.update(BANK_SPECS)


# ---- issue 19: members, dues, cards, populations, donor links ---------------------------------

def member_xlsx(name="Mai Thị Nhập") -> bytes:
    from app.core.xlsx import build_workbook
    from app.members import importing

    return build_workbook(importing.HEADERS, [["", name, 1958, "Nữ", "", "Ấp Tân Lộc", "", "Nhà giáo nghỉ hưu",
                                               "15/03/2019", ""]])


def _member_confirm_page(cat, client, w):
    """The confirm form only exists on the preview that an upload answers with."""
    resp = client.post(S.url(cat.app, "members.import_start"),
                       data={"file": (io.BytesIO(member_xlsx(f"Mai Thị Nhập {chr(97 + n() % 26)}{n()}")), "hv.xlsx"),
                             "unit_id": str(w.branch.id)}, content_type="multipart/form-data")
    return resp.get_data(as_text=True)


def _fresh_member(w, ended=False, donor=None):
    from tests.factories_members import end_member, make_member

    m = make_member(w.branch, f"Phan Văn Hội{chr(97 + n() % 26)} {n()}")
    if ended:
        end_member(m, ended_on=date(2025, 6, 1))
    if donor is not None:
        from app.members import services

        services.link_donor(m, donor)
        db.session.commit()
    return m


def _dues_branch(w, paid=False):
    """A fresh branch of the commune that collects dues (its own operating fund, 5.000 đ a member passed
    up), with one active member; paid: that member's 2026 dues collected (a share is owed upward)."""
    from app.members import dues
    from tests.factories_members import make_member

    branch = make_unit(w.commune, f"Chi hội hội phí {n()}", "village")
    dues.save_setting(branch, enabled=True, amount=20_000, fund_id=None, share_up=5_000, lapsed_after=2, new_fund=True)
    member = make_member(branch, f"Lâm Văn Đóng{chr(97 + n() % 26)} {n()}", commit=False)
    if paid:
        dues.collect(branch, year=2026, member_ids=[member.id], collected_on=date(2026, 3, 10), collector="Chi hội trưởng",
                     control_total=20_000)
    db.session.commit()
    return branch


def _fresh_batch(w):
    from app.members.models import DuesBatch
    from sqlalchemy import select

    branch = _dues_branch(w, paid=True)
    return db.session.scalar(select(DuesBatch).where(DuesBatch.unit_id == branch.id))


def _fresh_remittance(w):
    from app.members import dues_remit

    rem = dues_remit.remit(_dues_branch(w, paid=True), 2026, remitted_on=date(2026, 3, 20))
    db.session.commit()
    return rem


def _remit_host(w):
    _dues_branch(w, paid=True)  # a branch that owes its share: the page offers "Nộp cấp trên" for it
    return {"nam": 2026}


def _link_search_page(cat, client, w):
    """The donor search answers a "Liên kết" form per match: the commune's own donor, found by name."""
    m = _fresh_member(w)
    resp = client.get(S.url(cat.app, "members.link_donor_search", member_id=m.id, q=w.own.donor.name))
    return resp.get_data(as_text=True)


def _ok_pdf(resp, changed):
    return resp.status_code == 200 and resp.mimetype == "application/pdf"


MEMBER_SPECS = {
    "members.create": Spec(data=lambda w, f: {"name": f"Lý Văn Mới{chr(97 + n() % 26)} {n()}"}),
    "members.edit": Spec(args=lambda w: {"member_id": _fresh_member(w).id}),
    "members.end": Spec(args=lambda w: {"member_id": _fresh_member(w).id},
                        data=lambda w, f: {"status": "left", "reason": "Chuyển đi nơi khác sinh sống"}),
    "members.rejoin": Spec(args=lambda w: {"member_id": _fresh_member(w, ended=True).id}),
    "members.reopen": Spec(args=lambda w: {"member_id": _fresh_member(w, ended=True).id},
                           data=lambda w, f: {"reason": "Ghi nhầm người"}),
    "members.import_start": Spec(files=lambda w: {"file": (member_xlsx(f"Mai Thị Nhập {n()}"), "hv.xlsx")},
                                 ok=_ok_preview),
    "members.import_confirm": Spec(page=_member_confirm_page),
    "members.cards_print": Spec(host="members.cards", host_args=lambda w: {"don_vi": w.branch.id}, ok=_ok_pdf),
    "members.dues_settings": Spec(args=lambda w: {"don_vi": make_unit(w.commune, f"Chi hội cài đặt {n()}").id},
                                  data=lambda w, f: {"enabled": "y", "amount": "20.000", "share_up": "5.000"}),
    "members.dues_collect": Spec(args=lambda w: {"don_vi": _dues_branch(w).id, "nam": 2026, "tat_ca": 1},
                                 data=lambda w, f: {"collector": "Chi hội trưởng", "control_total": "20.000",
                                                    "collected_on": "2026-03-10"}),
    "members.dues_void": Spec(args=lambda w: {"batch_id": _fresh_batch(w).id},
                              data=lambda w, f: {"reason": "Ghi nhầm danh sách"}),
    "members.dues_remit": Spec(host="members.dues_remit", host_args=_remit_host),
    "members.dues_remit_void": Spec(args=lambda w: {"remittance_id": _fresh_remittance(w).id},
                                    data=lambda w, f: {"reason": "Nộp nhầm năm"}),
    "members.population": Spec(data=lambda w, f: {f"dan_so_{w.commune.id}": f"{13_000 + n()}"}),
    "members.link_donor": Spec(page=_link_search_page),
    "members.create_donor": Spec(args=lambda w: {"member_id": _fresh_member(w).id}),
    "members.unlink_donor": Spec(args=lambda w: {"member_id": _fresh_member(w, donor=w.own.donor).id}),
}
SPECS.update(MEMBER_SPECS)


# ---- unit merges and renames (issue 20 D) --------------------------------------------------------

def _merge_child(w):
    return make_unit(w.commune, f"Chi hội gộp thử {n()}", "village")


def _fresh_merge(w):
    """A draft merge of one fresh branch of commune A into another, by commune A's admin."""
    from app.units import merging

    merge = merging.propose(w.commune, [_merge_child(w)], target=_merge_child(w), new_name=None,
                            effective_on=date(2026, 3, 10), actor=w.users["admin"])
    db.session.commit()
    return merge


def _merge_form(w, f):
    return {"source_ids": str(_merge_child(w).id), "target_id": str(_merge_child(w).id), "effective_on": DAY,
            "numbering": "continue"}


MERGE_SPECS = {
    "unit_merges.create": Spec(data=_merge_form),
    "unit_merges.edit": Spec(args=lambda w: {"merge_id": _fresh_merge(w).id}, data=_merge_form),
    "unit_merges.confirm": Spec(args=lambda w: {"merge_id": _fresh_merge(w).id}, data=lambda w, f: {"sure": "y"}),
    "unit_merges.cancel": Spec(args=lambda w: {"merge_id": _fresh_merge(w).id},
                               data=lambda w, f: {"reason": "Chờ nghị quyết"}),
    "unit_merges.rename": Spec(args=lambda w: {"unit_id": _merge_child(w).id},
                               data=lambda w, f: {"name": f"Chi hội đổi tên {n()}", "effective_on": DAY}),
}
SPECS.update(MERGE_SPECS)


def _members_side(w) -> None:
    """The records of tests/authz/table_members.py on the world's sides (the swaps name them)."""
    from tests.authz.table_members import member_world

    m = member_world(w)
    for side, ms in ((w.own, m.own), (w.other, m.other)):
        side.member, side.gone, side.batch, side.remittance = ms.member, ms.gone, ms.batch, ms.remittance


def _bank_side(w) -> None:
    """Each commune's bank account with a waiting line; the other commune's carry the leak marker."""
    from tests.authz.table_banking import fresh_account, make_line
    from tests.proofs.world import LEAK

    for side, unit, tag in ((w.own, w.commune, "Hoa Binh"), (w.other, w.other_commune, LEAK)):
        side.bank_account = fresh_account(unit)
        side.bank_line = make_line(side.bank_account, description=f"Nguyen Van {tag} chuyen tien")


def _goods_stock(w):
    """Notebooks in the commune's goods stock (received once per world), for hand-outs."""
    if getattr(w, "goods_stock", None) is None:
        from tests.factories_goods import receive

        w.goods_stock = receive(w.commune, 1000, 1_000_000, day=date(2026, 3, 1))
    return w.goods_stock


def _fresh_hand_out(w):
    from tests.factories_goods import hand_out

    _goods_stock(w)
    return hand_out(w.commune, 1, day=date(2026, 3, 10))


def _closed_period(w):
    """A fresh branch whose year 2021 is closed (khóa sổ), apart from the dates the other proofs use."""
    from app.periods import services as periods

    row = periods.close(make_unit(w.commune), 2021, 0)
    db.session.commit()
    return row


def _closed_entry(w):
    """A payment of 2021 in a fresh branch's fund, the year then closed: the ledger corrects it."""
    from app.funds import services as funds
    from tests.factories_funds import give, pay

    fund = funds.default_fund(make_unit(w.commune))
    db.session.commit()
    give(fund, 100_000, entry_date=date(2021, 5, 10))
    entry = pay(fund, 10_000, entry_date=date(2021, 5, 11))
    from app.periods import services as periods

    periods.close(fund.unit, 2021, 0)
    db.session.commit()
    return entry


def _blank_side(w) -> None:
    """Each commune's printer for its blanks (phôi giấy khen); the other commune's carries the leak marker."""
    from tests.proofs.world import LEAK

    w.own.printer = _fresh_printer(w, w.commune, "Máy in phòng Hòa Bình")
    w.other.printer = _fresh_printer(w, w.other_commune, f"Máy in phòng {LEAK}")


def extend_world(w) -> None:
    """Helpers the specs use to make fresh records (kept on the world so specs stay one-liners)."""
    if getattr(w, "spare", None) is not None:
        return
    from app.pupils import queries as pupil_queries
    from tests.factories_commendations import make_set
    from tests.factories_donations import make_donation, make_donor
    from tests.factories_funds import pay
    from tests.factories_scholarships import make_category

    w.spare = {"logout": make_user(w.commune, "viewer", username="spare_logout"),
               "password": make_user(w.commune, "viewer", username="spare_password")}
    w.spare_set = lambda: make_set(name=f"Bộ tiêu chí rời {n()}")

    def spare_copy():
        from app.commendations.criteria import copy_set

        copy = copy_set(w.commune, w.spare_set())
        db.session.commit()
        return copy

    w.spare_copy = spare_copy
    w.fresh_donation = lambda: make_donation(w.own.campaign, donor=w.own.donor, amount=300_000)
    w.fresh_donor = lambda: make_donor(w.branch, name=f"Vũ Thị Sửa {n()}")

    def donor_pair():
        name = f"Hà Văn Gộp {chr(97 + n() % 26)}{n()}"
        return make_donor(w.branch, name=name, address="Ấp Một"), make_donor(w.branch, name=name, address="Ấp Một")

    w.fresh_donor_pair = donor_pair
    w.fresh_payment = lambda: pay(w.own.fund, 10_000)

    def sponsored_category():
        cat = make_category(w.own.round, 250_000, name=f"Đỡ đầu {n()}", kind="sponsorship")
        pupil = _fresh_pupil(w)
        pupil_queries.add_sponsorship(pupil, "Thầy Lê Văn Tâm", "teacher", date(2026, 1, 1), None, 200_000, "month")
        db.session.commit()
        w.sponsored_category = cat
        return cat

    w.fresh_sponsored_category = sponsored_category
    _bank_side(w)
    _blank_side(w)
    _members_side(w)
    # An assessment that passes, for "add from assessments".
    from app.commendations import assessments

    assessments.score(w.own.assessment, [9] * len(w.cset.criteria))
    db.session.commit()
