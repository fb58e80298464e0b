"""Matching bank lines to drives and book entries (app.banking.matching) and their identity (app.banking.identity)."""
from datetime import date

from sqlalchemy import event

from app.banking.codes import donor_code, drive_code
from app.banking.identity import file_identities, line_identity
from app.banking.matching import AMBIGUOUS, GIFT, LINK, MATCHED, UNMATCHED, match_lines
from app.banking.statements.base import ParsedLine
from app.campaigns.services import set_status
from app.donations.services import void_donation
from app.extensions import db
from app.funds.services import post_payment
from tests.factories_donations import make_campaign, make_donation, make_donor

DAY = date(2026, 9, 10)


def line(description="", amount=500_000, day=DAY, direction="in", reference="", balance=None):
    return ParsedLine(1, day, amount, direction, description, reference, balance)


def one(unit, ln):
    return match_lines(unit, [ln])[0]


def test_code_of_an_open_drive_matches_a_new_gift_from_the_payer(world):
    campaign = make_campaign(world.commune)
    m = one(world.commune, line(f"MBVCB.4530998360.029552.NGUYEN VAN AN chuyen tien.{drive_code(campaign).lower()}"))
    assert (m.category, m.action, m.campaign_id, m.code) == (MATCHED, GIFT, campaign.id, drive_code(campaign))
    assert m.donor_name == "Nguyen Van An"


def test_donor_code_names_the_donor(world):
    campaign = make_campaign(world.commune)
    donor = make_donor(world.commune, "Trần Thị Bích")
    m = one(world.commune, line(f"IBFT {donor_code(campaign, donor)} ung ho"))
    assert (m.category, m.donor_id, m.donor_name) == (MATCHED, donor.id, "Trần Thị Bích")


def test_a_branch_drive_is_in_the_commune_account_scope(world):
    campaign = make_campaign(world.branch, "Đợt của chi hội")
    assert one(world.commune, line(drive_code(campaign))).category == MATCHED


def test_two_codes_closed_foreign_or_unknown_drives_are_ambiguous(world):
    a, b = make_campaign(world.commune, "Đợt A"), make_campaign(world.commune, "Đợt B")
    closed = make_campaign(world.commune, "Đợt đã xong")
    set_status(closed, "closed")
    db.session.commit()
    foreign = make_campaign(world.other_commune, "Đợt xã khác")
    two = one(world.commune, line(f"{drive_code(a)} va {drive_code(b)}"))
    assert two.category == AMBIGUOUS and {c.id for c in two.candidates} == {a.id, b.id}
    assert "đã kết thúc" in one(world.commune, line(drive_code(closed))).reason
    other = one(world.commune, line(drive_code(foreign)))
    assert other.category == AMBIGUOUS and other.campaign_id is None and "Đợt xã khác" not in other.reason


def test_code_of_a_gift_already_typed_by_hand_is_ambiguous(world):
    campaign = make_campaign(world.commune)
    make_donation(campaign, 500_000, day=date(2026, 9, 9), method="transfer")
    m = one(world.commune, line(f"ung ho {drive_code(campaign)}"))
    assert m.category == AMBIGUOUS and m.campaign_id == campaign.id
    assert [c.kind for c in m.candidates] == ["campaign", "entry"]


def test_no_code_one_transfer_entry_near_the_date_links(world):
    campaign = make_campaign(world.commune)
    gift = make_donation(campaign, 700_000, day=date(2026, 9, 8), method="transfer")
    make_donation(campaign, 700_000, day=date(2026, 9, 8), method="cash")  # cash is not on the statement
    make_donation(campaign, 700_000, day=date(2026, 9, 1), method="transfer")  # too far
    m = one(world.commune, line("NGUYEN VAN B chuyen tien", 700_000))
    assert (m.category, m.action, m.entry_id) == (MATCHED, LINK, gift.entry_id)


def test_several_entries_ambiguous_none_unmatched(world):
    campaign = make_campaign(world.commune)
    make_donation(campaign, 300_000, day=date(2026, 9, 9), method="transfer")
    make_donation(campaign, 300_000, day=date(2026, 9, 11), method="transfer")
    assert one(world.commune, line("chuyen tien", 300_000)).category == AMBIGUOUS
    assert one(world.commune, line("chuyen tien", 123_000)).category == UNMATCHED


def test_of_several_entries_the_one_whose_giver_the_bank_names_links(world):
    campaign = make_campaign(world.commune)
    diem = make_donation(campaign, 1_000_000, day=date(2026, 9, 9), method="transfer", name="Châu Thị Diễm")
    make_donation(campaign, 1_000_000, day=date(2026, 9, 11), method="transfer", name="Cửa hàng Sáu Hiền")
    m = one(world.commune, line("CHAU THI DIEM chuyen tien ung ho", 1_000_000))
    assert (m.category, m.action, m.entry_id) == (MATCHED, LINK, diem.entry_id)
    # whole words only: "DIEMA" is not Diễm, so both stay candidates
    assert one(world.commune, line("CHAU THI DIEMA chuyen tien", 1_000_000)).category == AMBIGUOUS


def test_voided_gift_is_no_candidate(world):
    campaign = make_campaign(world.commune)
    gift = make_donation(campaign, 400_000, day=DAY, method="transfer")
    void_donation(gift, "Nhầm")
    db.session.commit()
    assert one(world.commune, line("chuyen tien", 400_000)).category == UNMATCHED


def test_outgoing_line_links_a_transfer_payment_never_a_gift(world):
    campaign = make_campaign(world.commune)
    make_donation(campaign, 5_000_000, day=date(2026, 9, 1))
    payment = post_payment(campaign.fund, 250_000, entry_date=DAY, recipient="Nhà sách", purpose="Mua vở",
                           method="transfer")
    db.session.commit()
    m = one(world.commune, line(f"Thanh toan {drive_code(campaign)}", 250_000, direction="out"))
    assert (m.category, m.action, m.entry_id) == (MATCHED, LINK, payment.id)


def test_one_entry_claimed_by_two_lines_links_neither(world):
    campaign = make_campaign(world.commune)
    make_donation(campaign, 600_000, day=DAY, method="transfer")
    found = match_lines(world.commune, [line("a", 600_000), line("b", 600_000)])
    assert [m.category for m in found] == [AMBIGUOUS, AMBIGUOUS]


def test_a_whole_statement_matches_in_a_few_queries(world):
    campaigns = [make_campaign(world.commune, f"Đợt {i}") for i in range(3)]
    donor = make_donor(world.commune)
    lines = [line(f"NGUYEN VAN {i} {drive_code(campaigns[i % 3])}", 100_000 + i) for i in range(150)]
    lines += [line(f"x {donor_code(campaigns[0], donor)}")] + [line("khong ma", 1000 + i) for i in range(150)]
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = match_lines(world.commune, lines)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 5
    assert sum(m.category == MATCHED for m in found) == 151


def test_identity_reference_or_digest_stable_with_ordinals():
    a = line("Nguyễn Văn An chuyển tiền", reference="FT24001")
    assert line_identity(a, 0) == "ref:FT24001"
    b = line("Nguyễn Văn An   chuyển tiền")
    c = line("NGUYEN VAN AN chuyen tien")
    assert line_identity(b, 0) == line_identity(c, 0) != line_identity(c, 1)
    assert line_identity(b, 0).startswith("sum:") and len(line_identity(b, 0)) <= 80
    twins = file_identities([b, c, line("khac")])
    assert len(set(twins)) == 3 and twins == file_identities([b, c, line("khac")])
    # A reference printed on two different lines (a transfer and its fee) keeps both.
    fee = line("Phi chuyen tien", 1_100, direction="out", reference="FT24001")
    both = file_identities([a, fee])
    assert len(set(both)) == 2 and all(i.startswith("ref:FT24001") for i in both)
