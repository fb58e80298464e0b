"""Every service that takes an amount or books a date applies app.core.books, with its own error and field."""
from datetime import date

import pytest

from app.campaigns import services as campaigns
from app.commendations import services as commendations
from app.donations import batch, importer
from app.donations import services as donations
from app.extensions import db
from app.funds import services as funds
from app.piggybanks import services as piggybanks
from app.pupils import queries as pupil_queries
from app.scholarships import payout
from app.scholarships import services as rounds
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_campaign, make_donor
from tests.factories_piggybanks import make_pig
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round

MAX = 100_000_000_000
TOO_BIG = "quá lớn: tối đa 100.000.000.000 đ (một trăm tỷ đồng)."
YEAR_1, YEAR_9999 = date(1, 1, 1), date(9999, 12, 31)


def _refused(error, field, call, text="Ngày phải từ 01/01/2000 đến"):
    with pytest.raises(error) as err:
        call()
    assert err.value.field == field and text in str(err.value), (field, str(err.value))
    db.session.rollback()


def test_donations(world):
    campaign = make_campaign(world.commune)
    donor = make_donor(world.commune)

    def give(amount, day=date(2026, 9, 5)):
        return donations.record_donation(campaign, donor, amount, donation_date=day)

    _refused(donations.DonationError, "amount", lambda: give(MAX + 1), TOO_BIG)
    for day in (YEAR_1, YEAR_9999):
        _refused(donations.DonationError, "donation_date", lambda: give(1_000, day))
        _refused(donations.DonationError, "donation_date", lambda: donations.record_donations_bulk(
            campaign, [{"donor": donor, "amount": 1_000, "donation_date": day}]))
    assert give(MAX).amount == MAX  # positive control: the largest amount on a sane day


def test_donation_import_and_sheet_mark_the_row(world):
    campaign = make_campaign(world.commune)
    header = importer.HEADERS
    rows = importer.parse_rows([header, ["05/09/2026", "Lê Văn Lớn", "Cá nhân", "", "", "100.000.000.001", "Tiền mặt",
                                         "", campaign.name, "", ""],
                                ["05/09/0001", "Lê Văn Xưa", "Cá nhân", "", "", "500.000", "Tiền mặt", "",
                                 campaign.name, "", ""],
                                ["05/09/2026", "Lê Văn Đúng", "Cá nhân", "", "", "100.000.000.000", "Tiền mặt", "",
                                 campaign.name, "", ""]], world.commune)
    assert any(TOO_BIG in e for e in rows[0]["errors"]) and rows[0]["amount"] is None
    assert any(e.startswith("Ngày phải từ 01/01/2000 đến") for e in rows[1]["errors"])
    assert rows[2]["errors"] == [] and rows[2]["amount"] == MAX
    sheet = batch.check([batch.Row(0, {"name": "A", "kind": "person", "method": "cash", "amount": "100.000.000.001",
                                       "address": "", "note": "", "anonymous": ""})])
    assert sheet[0].errors == ["Số tiền " + TOO_BIG] and sheet[0].amount is None


def test_piggy_banks(world):
    unit = world.commune
    _refused(piggybanks.PiggyBankError, "issued_on", lambda: piggybanks.issue_many(
        unit, ["Hộ ông Ba"], holder_type="household", prefix="X", start=None, issued_on=YEAR_9999))
    _refused(piggybanks.PiggyBankError, "seed_money", lambda: piggybanks.issue_many(
        unit, ["Hộ ông Ba"], holder_type="household", prefix="X", start=None, issued_on=date(2026, 1, 5),
        seed_money=MAX + 1), TOO_BIG)
    pig = make_pig(unit)

    def open_(amount, day=date(2026, 8, 20)):
        return piggybanks.open_pig(pig, opened_on=day, amount=amount, disposition="fund", witness1="A", witness2="B")

    _refused(piggybanks.PiggyBankError, "amount", lambda: open_(MAX + 1), TOO_BIG)
    _refused(piggybanks.PiggyBankError, "opened_on", lambda: open_(1_000, YEAR_1))
    assert open_(300_000).to_fund == 300_000


def test_scholarships(world):
    unit = world.commune
    fund = funds.create_fund(unit, "Quỹ học bổng thử")
    _refused(rounds.RoundError, "budget", lambda: rounds.save_round(fund, "Đợt A", "2025-2026", MAX + 1), TOO_BIG)
    _refused(rounds.RoundError, "ceremony_date", lambda: rounds.save_round(
        fund, "Đợt A", "2025-2026", 1_000_000, ceremony_date=YEAR_9999))
    rnd = make_round(unit)
    _refused(rounds.RoundError, "amount", lambda: rounds.save_category(rnd, "Loại A", "hardship", MAX + 1), TOO_BIG)
    cat = make_category(rnd, 1_000_000)
    n = make_nomination(rnd, make_pupil(unit), cat)
    rounds.approve(rnd, [n])
    db.session.commit()
    for day in (YEAR_1, YEAR_9999):
        _refused(rounds.RoundError, "paid_on", lambda: payout.pay(n, day))
    assert not db.session.get(type(n), n.id).is_paid
    assert payout.pay(n, date(2026, 3, 12)).is_paid  # positive control


def test_commendations(world):
    unit = world.commune
    _refused(commendations.CommendationError, "decision_date", lambda: make_decision(unit, day=YEAR_9999))
    _refused(commendations.CommendationError, "default_amount", lambda: make_decision(unit, amount=MAX + 1),
             "Mức thưởng " + TOO_BIG)
    d = make_decision(unit)
    _refused(commendations.CommendationError, "amount", lambda: add(d, "Lê Văn Giỏi", amount=MAX + 1),
             "Số tiền thưởng " + TOO_BIG)
    assert add(d, "Lê Văn Giỏi", amount=MAX).amount == MAX


def test_campaign_target_and_sponsorship(world):
    _refused(campaigns.CampaignError, "target_amount", lambda: campaigns.create_campaign(
        world.commune, "Đợt lớn", target_amount=MAX + 1), "Số tiền mục tiêu " + TOO_BIG)
    assert campaigns.create_campaign(world.commune, "Đợt vừa", target_amount=MAX).target_amount == MAX
    from app.pupils.services import PupilError

    _refused(PupilError, "amount", lambda: pupil_queries.sponsorship_values(
        "Bà Tư", "donor", date(2026, 1, 1), None, MAX + 1, "month"), TOO_BIG)
