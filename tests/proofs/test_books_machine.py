"""Proof: whatever the screens are used for, the books check finds nothing (Hypothesis state machine).

Each example builds a commune with a campaign fund, a second fund, a scholarship round (awards in
money, in money and goods, in goods only) and a treasurer logged in to the test client, then runs
random steps across every money domain:
- gifts in cash, by transfer and in kind (service), and their voids from the gift's page and from
  the ledger's void page (/quy/but-toan/<id>/huy, through the entry's owner);
- piggy-bank openings (fund, split, kept) and their voids from the opening's page and the ledger;
- goods handed out and their voids from the goods page;
- awards paid (money and goods) and reversed from the award's page and the ledger;
- decisions issued with prizes per person or as one total (money and goods), prizes reversed from
  the honoree's or decision's page and the ledger, and paid again;
- payments, transfers between the funds, their voids from the ledger page;
- closing a month (app.periods), reopening it, publishing the year's disclosure (which closes the
  year), and correcting a closed month's own ledger entries.
Refusals (fund or stock short, closed period, already voided) are expected; a 500, or any finding
of app.books.checks.run_all() about this example's units after any step, is a failure.

`make test`: a few examples of a few steps (well under a minute). `make prove` (PROVE_FULL=1):
many more, on SQLite and PostgreSQL (TEST_DATABASE_URL); the figures go to the scoreboard.
"""
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)
from sqlalchemy import select

from app.books import checks
from app.commendations import issuing, prizes
from app.commendations.models import Decision, Honoree
from app.commendations.services import CommendationError
from app.core import clock
from app.core.db import write_mode
from app.disclosure.services import DisclosureError
from app.donations import services as donations
from app.donations.models import Donation
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.goods import services as goods
from app.goods.models import GoodsEntry
from app.piggybanks import services as pigs
from app.piggybanks.models import PiggyBankOpening
from app.scholarships import payout
from app.scholarships import services as scholarships
from app.scholarships.models import Nomination
from tests.conftest import login
from tests.factories import make_unit, make_user
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_campaign, make_donor
from tests.factories_piggybanks import make_pig
from tests.factories_scholarships import make_pupil, make_round
from tests.proofs.report import full_size, report, size

STATS = Counter()
TODAY = clock.today()
FIRST = (TODAY.replace(day=1) - timedelta(days=100)).replace(day=1)  # about four months of history
days = st.integers(0, max(0, (TODAY.replace(day=1) - timedelta(days=1) - FIRST).days)).map(
    lambda n: FIRST + timedelta(days=n))  # never in the current month: voids are dated today
amounts = st.sampled_from([50_000, 200_000, 300_000, 1_000_000, 2_500_000, 7_000_000])
picks = st.integers(0, 10_000)
ITEMS = [("vở", "quyển"), ("bút", "cây")]
REFUSALS = (funds.FundError, donations.DonationError, pigs.PiggyBankError, scholarships.RoundError,
            goods.GoodsError, CommendationError, DisclosureError)
try:  # closed periods (app.periods, issue 13 D)
    from app.periods import services as periods

    REFUSALS = (*REFUSALS, periods.PeriodError)
except ImportError:  # pragma: no cover - before the periods package exists
    periods = None


class BooksMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        STATS["runs"] += 1
        self.gifts, self.openings, self.awards, self.targets, self.goods_out, self.book_entries = [], [], [], [], [], []
        self.published = 0

    # ---- helpers ----
    def service(self, fn):
        """Run a service call in a write transaction; commit, or roll back on a domain refusal."""
        with write_mode():
            try:
                result = fn()
            except REFUSALS:
                db.session.rollback()
                STATS["refused"] += 1
                return None
            db.session.commit()
            return result

    def post(self, url, done=None, **data):
        """A void or reversal through a real page, as the treasurer: done (303) or refused (303 with a
        message, 422 beside the field); never an error page. `done()` says whether it took effect
        (counted: a proof whose voids were all refused would prove little)."""
        resp = self.client.post(url, data={"reason": "Ghi nhầm, hủy theo đề nghị", **data})
        assert resp.status_code in (303, 422), (url, resp.status_code, resp.get_data(as_text=True)[:800])
        STATS["screens"] += 1
        if done is not None:
            db.session.expire_all()
            STATS["voided" if done() else "refused"] += 1
        return resp

    def reversed_(self, model, entry_id):
        return lambda: db.session.scalar(select(model.id).where(model.reversal_of_id == entry_id)) is not None

    def pick(self, items, k):
        return items[k % len(items)] if items else None

    # ---- the world ----
    @initialize()
    def world(self):
        with write_mode():
            province = make_unit(None, commit=False)
            self.unit = make_unit(province, commit=False)
            treasurer = make_user(self.unit, "treasurer", commit=False)
            self.campaign = make_campaign(self.unit, start_date=FIRST, end_date=TODAY, commit=False)
            self.fund = self.campaign.fund
            self.fund2 = funds.create_fund(self.unit, "Quỹ học bổng Tiếp bước")
            branch = make_unit(self.unit, commit=False)
            self.funds = [self.fund, self.fund2, funds.default_fund(branch)]
            self.donor = make_donor(self.unit, commit=False)
            self.round = make_round(self.unit, fund=self.fund, fund_money=0, budget=50_000_000_000, commit=False)
            self.categories = [
                scholarships.save_category(self.round, "Học bổng vượt khó", "hardship", 300_000),
                scholarships.save_category(self.round, "Học bổng và tập vở", "hardship", 200_000, goods_item="vở",
                                           goods_unit="quyển", goods_quantity=Decimal(5)),
                scholarships.save_category(self.round, "Tập vở", "hardship", 0, goods_item="vở", goods_unit="quyển",
                                           goods_quantity=Decimal(10))]
            for method, extra in (("cash", {}), ("transfer", {}),
                                  ("in_kind", dict(item="vở", quantity=40, item_unit="quyển"))):
                self.gifts.append(donations.record_donation(self.campaign, self.donor, 3_000_000, donation_date=FIRST,
                                                            method=method, **extra).id)
            db.session.commit()
        self.units = {province.id, self.unit.id, branch.id}
        self.client = current_app.test_client()
        login(self.client, treasurer)

    # ---- gifts ----
    @rule(amount=amounts, day=days, by_bank=st.booleans())
    def gift(self, amount, day, by_bank):
        d = self.service(lambda: donations.record_donation(self.campaign, self.donor, amount, donation_date=day,
                                                           method="transfer" if by_bank else "cash"))
        if d is not None:
            self.gifts.append(d.id)

    @rule(rows=st.lists(st.tuples(amounts, st.sampled_from(["cash", "transfer", "in_kind"]), st.integers(1, 30)),
                        min_size=1, max_size=4), day=days)
    def gifts_in_bulk(self, rows, day):
        """The bulk path of imports and batch entry: money and goods in one call."""
        items = [dict(donor=self.donor, amount=amount, donation_date=day, method=method,
                      **(dict(item="vở", quantity=q, item_unit="quyển") if method == "in_kind" else {}))
                 for amount, method, q in rows]
        ids = self.service(lambda: donations.record_donations_bulk(self.campaign, items))
        self.gifts += ids or []

    @rule(quantity=st.integers(1, 60), value=amounts, day=days, item=st.sampled_from(ITEMS))
    def gift_in_kind(self, quantity, value, day, item):
        d = self.service(lambda: donations.record_donation(
            self.campaign, self.donor, value, donation_date=day, method="in_kind", item=item[0], quantity=quantity,
            item_unit=item[1]))
        if d is not None:
            self.gifts.append(d.id)

    @precondition(lambda self: self.gifts)
    @rule(k=picks, via_ledger=st.booleans())
    def void_gift(self, k, via_ledger):
        d = db.session.get(Donation, self.pick(self.gifts, k))
        done = lambda: db.session.get(Donation, d.id).voided  # noqa: E731
        if via_ledger and d.entry_id:
            self.post(f"/quy/but-toan/{d.entry_id}/huy", done)
        else:
            self.post(f"/quyen-gop/{d.id}/huy", done)

    # ---- piggy banks ----
    @rule(amount=amounts, day=days, how=st.sampled_from(["fund", "kept", "split"]))
    def open_pig(self, amount, day, how):
        def work():
            pig = make_pig(self.unit, issued_on=FIRST, commit=False)
            half = amount // 2 if how == "split" else None
            return pigs.open_pig(pig, opened_on=day, amount=amount, disposition=how, to_fund=half,
                                 kept=amount - half if half is not None else None, witness1="Trần Văn Bảy",
                                 witness2="Lê Thị Tám")
        opening = self.service(work)
        if opening is not None:
            self.openings.append(opening.id)

    @precondition(lambda self: self.openings)
    @rule(k=picks, via_ledger=st.booleans())
    def void_opening(self, k, via_ledger):
        o = db.session.get(PiggyBankOpening, self.pick(self.openings, k))
        done = lambda: db.session.get(PiggyBankOpening, o.id).voided  # noqa: E731
        if via_ledger and o.ledger_entry_id:
            self.post(f"/quy/but-toan/{o.ledger_entry_id}/huy", done)
        else:
            self.post(f"/heo-dat/mo-heo/{o.id}/huy", done)

    # ---- goods ----
    @rule(quantity=st.integers(1, 40), day=days, item=st.sampled_from(ITEMS))
    def give_out(self, quantity, day, item):
        e = self.service(lambda: goods.give_out(self.unit, item=item[0], item_unit=item[1], quantity=quantity,
                                                entry_date=day, recipient="Trường Tiểu học Tân Phú",
                                                purpose="Phát cho học sinh"))
        if e is not None:
            self.goods_out.append(e.id)

    @precondition(lambda self: self.goods_out or self.gifts)
    @rule(k=picks)
    def void_goods(self, k):
        """The goods page's void on a hand-out of its own, or on any goods entry (refused with a link
        when a gift or an award owns it)."""
        entry_ids = self.goods_out + list(db.session.scalars(select(GoodsEntry.id).where(
            GoodsEntry.unit_id == self.unit.id, GoodsEntry.reversal_of_id.is_(None)).limit(50)))
        if entry_ids:
            eid = self.pick(entry_ids, k)
            self.post(f"/hien-vat/{eid}/huy", self.reversed_(GoodsEntry, eid))

    # ---- scholarships ----
    @rule(c=st.integers(0, 2), day=days)
    def pay_award(self, c, day):
        def work():
            n = scholarships.nominate(self.round, make_pupil(self.unit, commit=False), self.categories[c],
                                      proposer="Trường THCS", reason="Nhà khó khăn")
            scholarships.approve(self.round, [n])
            return payout.pay(n, day)
        n = self.service(work)
        if n is not None:
            self.awards.append(n.id)

    @precondition(lambda self: self.awards)
    @rule(day=days)
    def pay_awards_from_the_signed_sheet(self, day):
        """pay_many: every approved, unpaid award of the round at once, against the sheet's total."""
        unpaid = list(db.session.scalars(select(Nomination).where(
            Nomination.round_id == self.round.id, Nomination.status == "approved", Nomination.paid_on.is_(None))))
        if unpaid:
            self.service(lambda: payout.pay_many(self.round, unpaid, day, sum(n.amount for n in unpaid)))

    @precondition(lambda self: self.awards)
    @rule(k=picks, via_ledger=st.booleans())
    def reverse_award(self, k, via_ledger):
        n = db.session.get(Nomination, self.pick(self.awards, k))
        done = lambda: db.session.get(Nomination, n.id).paid_on is None  # noqa: E731
        if via_ledger and n.paid_entry_id:
            self.post(f"/quy/but-toan/{n.paid_entry_id}/huy", done)
        else:
            self.post(f"/hoc-bong/de-cu/{n.id}/hoan-chi", done)

    @precondition(lambda self: self.awards)
    @rule(k=picks, day=days)
    def pay_award_again(self, k, day):
        n = db.session.get(Nomination, self.pick(self.awards, k))
        self.service(lambda: payout.pay(n, day))

    # ---- commendations ----
    @rule(total=st.booleans(), lines=st.lists(st.tuples(st.sampled_from([0, 100_000, 500_000]), st.booleans()),
                                              min_size=1, max_size=3), day=days)
    def issue_decision(self, total, lines, day):
        if all(amount == 0 and not with_goods for amount, with_goods in lines):
            lines = [(100_000, False)]

        def work():
            d = make_decision(self.unit, fund=self.fund, day=day, commit=False,
                              payment_mode="total" if total else "each")
            for i, (amount, with_goods) in enumerate(lines):
                extra = dict(goods_item="vở", goods_unit="quyển", goods_quantity=Decimal(2)) if with_goods else {}
                add(d, f"Nguyễn Văn Thưởng {i}", amount=amount, commit=False, **extra)
            issuing.issue(d)
            return d
        d = self.service(work)
        if d is not None:
            self.targets += [("d", d.id)] if total else [("h", h.id) for h in d.honorees]

    @precondition(lambda self: self.targets)
    @rule(k=picks, via_ledger=st.booleans())
    def reverse_prize(self, k, via_ledger):
        kind, tid = self.pick(self.targets, k)
        model = Decision if kind == "d" else Honoree
        target = db.session.get(model, tid)
        was = (target.payment_entry_id, getattr(target, "goods_entry_id", None))
        done = lambda: any(was) and not any(  # noqa: E731
            (db.session.get(model, tid).payment_entry_id, getattr(db.session.get(model, tid), "goods_entry_id", None)))
        if via_ledger and target.payment_entry_id:
            self.post(f"/quy/but-toan/{target.payment_entry_id}/huy", done)  # a list's one voucher: refused, linked
        elif kind == "d":
            self.post(f"/khen-thuong/quyet-dinh/{tid}/hoan-chi-thuong", done)
        else:
            self.post(f"/khen-thuong/nguoi/{tid}/hoan-chi-thuong", done)

    @precondition(lambda self: self.targets)
    @rule(k=picks, day=days)
    def pay_prize_again(self, k, day):
        kind, tid = self.pick(self.targets, k)
        self.service(lambda: prizes.pay_prize(db.session.get(Decision if kind == "d" else Honoree, tid), day))

    # ---- the ledger's own entries ----
    @rule(amount=amounts, day=days, i=st.integers(0, 2), j=st.integers(1, 2))
    def transfer(self, amount, day, i, j):
        """Between the commune's two funds and the branch's (a fund of a unit below)."""
        a, b = self.funds[i], self.funds[(i + j) % 3]
        legs = self.service(lambda: funds.transfer(a, b, amount, entry_date=day, reason="Điều chuyển quỹ"))
        if legs is not None:
            self.book_entries.append(legs[0].id)

    @rule(amount=amounts, day=days)
    def payment(self, amount, day):
        e = self.service(lambda: funds.post_payment(self.fund, amount, entry_date=day, recipient="Nhà sách",
                                                    purpose="Mua vở"))
        if e is not None:
            self.book_entries.append(e.id)

    @rule(k=picks)
    def void_in_ledger(self, k):
        """The ledger's void page on any standing entry of this example: its owner decides."""
        ids = self.book_entries + list(db.session.scalars(select(LedgerEntry.id).where(
            LedgerEntry.unit_id == self.unit.id, LedgerEntry.reversal_of_id.is_(None)).order_by(LedgerEntry.id)))
        if ids:
            eid = self.pick(ids, k)
            self.post(f"/quy/but-toan/{eid}/huy", self.reversed_(LedgerEntry, eid))

    # ---- closed periods ----
    @rule(day=days)
    def close_month(self, day):
        if periods is not None and self.service(lambda: periods.close(self.unit, day.year, day.month)) is not None:
            STATS["closed"] += 1

    @precondition(lambda self: periods is not None)
    @rule(k=picks)
    def reopen_period(self, k):
        """An admin reopens a closed month or year (a year closed by publishing, too)."""
        from app.periods.models import ClosedPeriod

        rows = list(db.session.scalars(select(ClosedPeriod).where(ClosedPeriod.unit_id == self.unit.id,
                                                                  ClosedPeriod.closed.is_(True))))
        if rows:
            self.service(lambda: periods.reopen(self.pick(rows, k), "Sửa sai theo biên bản kiểm tra"))

    @precondition(lambda self: len(self.gifts) > 6 and self.published < 2)
    @rule()
    def publish_disclosure(self):
        """Publishing this year's công khai freezes a snapshot and closes the year's books (at most
        twice an example: after it nearly everything dated this year is refused until reopened)."""
        from app.disclosure import services as disclosure

        if self.service(lambda: disclosure.publish(self.unit, TODAY.year, TODAY)) is not None:
            STATS["published"] += 1
            self.published += 1

    @precondition(lambda self: self.book_entries and periods is not None)
    @rule(k=picks)
    def correct_in_ledger(self, k):
        if "funds.correct" in current_app.view_functions:
            eid = self.pick(self.book_entries, k)
            before = STATS["voided"]
            self.post(f"/quy/but-toan/{eid}/dieu-chinh",
                      lambda: db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.corrects_id == eid)) is not None)
            STATS["corrected"] += STATS["voided"] - before

    # ---- after every step ----
    @invariant()
    def books_check_finds_nothing(self):
        if not hasattr(self, "unit"):
            return
        result = checks.run_all()
        STATS["checks"] += 1
        STATS["invariants"] += len(result.checks)
        mine = [f for f in result.findings if f.unit_id in self.units or f.unit_id is None]
        STATS["violations"] += len(mine)
        assert not mine, "\n".join(f"[{f.kind}] {f.message} ({f.ref})" for f in mine)


def test_books_check_finds_nothing_whatever_the_screens_do(app):
    STATS.clear()
    examples, steps = size((6, 15), (20, 40))
    name = "Books check after every step"
    target = "0 findings after every step, no error page"
    try:
        run_state_machine_as_test(BooksMachine, settings=settings(
            max_examples=examples, stateful_step_count=steps, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    except BaseException as err:
        report(name, f"{STATS['runs']} runs, {STATS['checks']} steps checked, {STATS['violations']} violations: "
                     f"{str(err).splitlines()[0][:300]}", False, target)
        raise
    report(name, f"runs: {STATS['runs']}, steps: {STATS['checks']}, invariants checked: {STATS['invariants']}, "
                 f"violations: {STATS['violations']} ({STATS['screens']} voids and reversals through the pages, "
                 f"{STATS['voided']} of them done; {STATS['closed']} months closed, {STATS['corrected']} closed "
                 f"entries corrected, {STATS['published']} disclosures published; "
                 f"{STATS['refused']} refusals by the rules)",
           STATS["violations"] == 0 and (STATS["voided"] > 0 or not full_size()), target)
    assert STATS["runs"] >= examples and STATS["checks"] > examples
    if full_size():  # a few short examples may draw no successful void; hundreds of steps always do
        assert STATS["voided"] > 0, "no void went through: the machine proved nothing about voids"


def test_books_check_finds_every_kind_of_planted_corruption(world):
    """`flask books-check` reports each kind of corruption planted behind the services' back
    (tests/books/test_checks.py plants them one by one; here all at once, for the scoreboard)."""
    from tests.books.test_checks import PLANTS
    from tests.books.world import books_world

    books = books_world(world)
    clean = checks.run_all()
    expected = {}
    with write_mode():
        for plant in PLANTS:
            expected[plant.__name__] = plant(books)
        db.session.commit()
    found = checks.run_all()
    missed = [name for name, (kind, ref) in expected.items()
              if not any(f.kind == kind and (ref is None or f.ref == ref) for f in found.findings)]
    report("Books check finds planted corruption",
           f"{len(PLANTS) - len(missed)}/{len(PLANTS)} kinds found ({len(found.findings)} findings; "
           f"{len(clean.findings)} before planting)" + (f"; missed: {', '.join(missed)}" if missed else ""),
           not missed and not clean.findings, target="every kind found, none on clean books")
    assert clean.findings == [] and not missed, missed
