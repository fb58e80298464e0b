"""Each kind of paper on the public verification page: what it must show, and never what it must not
(birth dates, addresses, phones, notes, purposes), each absence with its positive control."""
from datetime import date

from app.commendations import issuing
from app.commendations import services as comm
from app.donations import services as donations
from app.extensions import db
from app.funds import services as funds
from app.goods import services as goods
from app.papers import codes
from app.papers.lookup import describe
from app.vn.dates import short_date
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_campaign, make_donation, make_donor
from tests.factories_funds import give, pay
from tests.factories_goods import hand_out, receive
from tests.factories_scholarships import scholarship_world
from tests.papers.helpers import answer

ADDRESS, PHONE, NOTE = "Số 12 đường Lê Lợi, ấp Tân Lộc", "0912345678", "Hoàn cảnh: mẹ đơn thân, nhà dột"


def _gift(world, **kw):
    campaign = make_campaign(world.commune, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    donor = kw.pop("donor", None) or make_donor(world.commune, "Nguyễn Thị Ngọc Ánh", address=ADDRESS, phone=PHONE)
    return make_donation(campaign, 1_250_000, donor=donor, day=date(2026, 9, 5), note=NOTE, **kw)


def test_a_receipt_shows_kind_unit_number_date_amount_and_the_masked_payer(client, world):
    gift = _gift(world)
    entry = gift.entry
    # Positive controls: the record holds what the page must not show.
    assert entry.counterparty == "Nguyễn Thị Ngọc Ánh" and entry.counterparty_address == ADDRESS
    assert gift.note == NOTE and gift.donor.phone.replace(" ", "").endswith("345678")
    status, text = answer(client, "receipt", entry.id)
    assert status == 200
    for shown in ["Còn hiệu lực", "Phiếu thu", world.commune.name, world.commune.parent.name, entry.number,
                  "05/09/2026", "1.250.000 đ", "Nguyễn T. Ng. Ánh"]:
        assert shown in text, shown
    for hidden in ["Nguyễn Thị Ngọc Ánh", "Ngọc", ADDRESS, "Lê Lợi", "345678", "0912", NOTE, "mẹ đơn thân",
                   entry.description]:
        assert hidden not in text, hidden
    assert entry.description  # the purpose is there on the record (control for the line above)


def test_a_voided_receipt_shows_as_voided_with_the_date(client, world):
    gift = _gift(world)
    donations.void_donation(gift, "Ghi trùng phiếu")  # through the gift, its owner (app.books.owners)
    db.session.commit()
    reversal = funds.reversal_of(gift.entry)
    status, text = answer(client, "receipt", gift.entry.id)
    assert status == 200 and f"Đã hủy ngày {short_date(reversal.entry_date)}" in text
    assert "Còn hiệu lực" not in text and "Ghi trùng phiếu" not in text  # the reason stays inside


def test_an_anonymous_gift_names_nobody_and_a_business_is_named_whole(client, world):
    hidden = _gift(world, anonymous=True)
    _, text = answer(client, "receipt", hidden.entry.id)
    assert "Nhà hảo tâm ẩn danh" in text and "Ánh" not in text
    firm = make_donor(world.commune, "Công ty TNHH Thương mại Hồng Phát", kind="business")
    gift = _gift(world, donor=firm)
    _, text = answer(client, "receipt", gift.entry.id)
    assert "Công ty TNHH Thương mại Hồng Phát" in text


def test_a_voucher_and_its_void(client, world):
    fund = give(funds.default_fund(world.commune), 5_000_000).fund
    entry = pay(fund, 300_000, recipient="Trần Văn Bình", purpose="Hỗ trợ em Bình, mồ côi cha")
    status, text = answer(client, "voucher", entry.id)
    assert status == 200 and "Phiếu chi" in text and entry.number in text and "300.000 đ" in text
    assert "Trần V. Bình" in text and "Trần Văn Bình" not in text and "mồ côi" not in text
    funds.reverse(entry, "Chi nhầm")
    db.session.commit()
    assert f"Đã hủy ngày {short_date(funds.reversal_of(entry).entry_date)}" in answer(client, "voucher", entry.id)[1]


def test_a_code_of_another_kind_than_its_record_is_not_found(client, world):
    fund = funds.default_fund(world.commune)
    income = give(fund, 5_000_000)
    payment = pay(fund, 100_000)
    assert describe("receipt", income.id) is not None and describe("voucher", payment.id) is not None
    assert describe("voucher", income.id) is None and describe("receipt", payment.id) is None
    assert describe("goods_in", income.id) is None or describe("goods_in", income.id).kind == "goods_in"
    status, text = answer(client, "voucher", income.id)
    assert status == 404 and "Không tìm thấy giấy tờ có mã này" in text and income.number not in text
    reversal = funds.reverse(payment, "Nhầm")
    db.session.commit()
    assert describe("voucher", reversal.id) is None  # a reversal prints no paper of its own


def test_goods_received_and_handed_out(client, world):
    got = receive(world.commune, 50, 500_000, giver="Lê Thị Thu Hà", giver_address=ADDRESS)
    assert got.counterparty_address == ADDRESS
    status, text = answer(client, "goods_in", got.id)
    assert status == 200 and "Biên bản giao nhận hiện vật" in text and got.number in text
    assert "50 quyển vở" in text and "500.000 đ" in text and "Lê T. Th. Hà" in text
    assert ADDRESS not in text and "Lê Thị Thu Hà" not in text
    out = hand_out(world.commune, 10, recipient="Phạm Nhật Minh", purpose="Em Minh nhà nghèo")
    status, text = answer(client, "goods_out", out.id)
    assert status == 200 and "Phiếu xuất hiện vật" in text and "10 quyển vở" in text and "Phạm Nh. Minh" in text
    assert "nhà nghèo" not in text and out.description
    assert answer(client, "goods_in", out.id)[0] == 404  # a phiếu xuất is not a biên bản giao nhận
    goods.reverse(out, "Phát nhầm")
    db.session.commit()
    assert f"Đã hủy ngày {short_date(goods.reversal_of(out).entry_date)}" in answer(client, "goods_out", out.id)[1]


def _decision(world, **kw):
    d = make_decision(world.commune, list_title="DANH SÁCH HỌC SINH GIỎI", **kw)
    h = add(d, "Nguyễn Thị Ngọc Ánh", "Học sinh giỏi cấp tỉnh môn Toán", birth_text="05/03/2012",
            place="Lớp 9A1, Trường THCS Tân Phú", note=NOTE)
    return d, h


def test_a_certificate_shows_the_honour_the_decision_and_the_masked_name_never_birth_place_or_note(client, world):
    d, h = _decision(world)
    assert (h.birth_text, h.place, h.note) == ("05/03/2012", "Lớp 9A1, Trường THCS Tân Phú", NOTE)
    status, text = answer(client, "certificate", h.id)
    assert status == 200 and "Dự thảo, chưa ban hành" in text  # printed from a draft
    issuing.issue(d)
    db.session.commit()
    status, text = answer(client, "certificate", h.id)
    assert status == 200
    for shown in ["Còn hiệu lực", "Giấy khen", world.commune.name, d.number, short_date(d.decision_date),
                  "Học sinh giỏi cấp tỉnh môn Toán", "Nguyễn T. Ng. Ánh", f"Số vào sổ vàng {h.register_number}"]:
        assert shown in text, shown
    for hidden in ["Nguyễn Thị Ngọc Ánh", "05/03/2012", "2012", "9A1", "Trường THCS", NOTE, "đơn thân"]:
        assert hidden not in text, hidden


def test_a_collective_honour_is_named_whole(client, world):
    d = make_decision(world.commune)
    h = add(d, "Dòng họ Nguyễn Văn ấp Tân Lộc", "Dòng họ học tập tiêu biểu", kind="clan", collective=True)
    _, text = answer(client, "certificate", h.id)
    assert "Dòng họ Nguyễn Văn ấp Tân Lộc" in text and "Tập thể được khen" in text


def test_a_decision_and_its_list_draft_issued_then_replaced_by_an_amendment(client, world):
    d, h = _decision(world)
    assert "Dự thảo, chưa ban hành" in answer(client, "decision", d.id)[1]
    issuing.issue(d)
    db.session.commit()
    status, text = answer(client, "decision", d.id)
    assert status == 200 and "Còn hiệu lực" in text and "Quyết định khen thưởng" in text
    assert d.title in text and "Số người, tập thể được khen 1" in text and "Ánh" not in text
    status, text = answer(client, "decision_list", d.id)
    assert status == 200 and "Danh sách kèm theo quyết định" in text and "DANH SÁCH HỌC SINH GIỎI" in text
    assert "Ánh" not in text and "9A1" not in text
    later = comm.amending_draft(d)
    add(later, "Trần Văn Bình", "Học sinh giỏi cấp huyện")
    assert "Còn hiệu lực" in answer(client, "decision", d.id)[1]  # a draft amendment changes nothing yet
    issuing.issue(later)
    db.session.commit()
    for kind in ("decision", "decision_list"):
        text = answer(client, kind, d.id)[1]
        assert "Đã được thay thế" in text and later.number in text, kind
    text = answer(client, "certificate", h.id)[1]  # the honour keeps its register number: it stands
    assert "Còn hiệu lực" in text and later.number in text


def test_a_payout_sheet_shows_its_round_count_and_total_but_no_names(client, world):
    sch = scholarship_world(world).own
    status, text = answer(client, "payout_sheet", sch.round.id)
    assert status == 200 and "Danh sách ký nhận học bổng" in text and sch.round.name in text
    assert "Số suất học bổng 1" in text and "500.000 đ" in text and "15/QĐ-HKH" in text
    for name in ("Lê Văn Bình", "Lê V. Bình", "Bình", "Khuê", sch.school.name):
        assert name not in text, name


def test_a_missing_record_of_any_kind_is_not_found(client, world):
    for kind in codes.KINDS:
        assert describe(kind, 10 ** 9) is None
        status, text = answer(client, kind, 10 ** 9)
        assert status == 404 and "Không tìm thấy giấy tờ có mã này" in text


def test_a_voucher_of_a_closed_month_corrected_later_shows_as_voided_on_the_correction_date(client, world):
    from tests.periods.helpers import SEPT, close

    fund = funds.default_fund(world.commune)
    give(fund, 5_000_000, entry_date=date(2026, 8, 1))
    closed = pay(fund, 300_000, entry_date=SEPT)
    close(world.commune, 2026, 9)
    assert "Còn hiệu lực" in answer(client, "voucher", closed.id)[1]
    fix = funds.correct(closed, "Chi trùng phiếu")
    db.session.commit()
    text = answer(client, "voucher", closed.id)[1]
    assert f"Đã hủy ngày {short_date(fix.entry_date)}" in text and "điều chỉnh" in text
    assert "Chi trùng phiếu" not in text  # the reason stays inside
