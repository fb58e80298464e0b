"""The seeding stages of bench/province.py, each through the domain's own (bulk) services.

Callers run inside write_mode() with an app context; each stage commits its own batches.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.names import VILLAGES, WITNESSES, commune_name, person_name

YEAR = 2026
SCHOOL_YEAR = "2025-2026"
BATCH = 20_000  # donations per transaction


@dataclass
class Tree:
    province: object
    communes: list
    branches: list
    branches_of: dict = field(default_factory=dict)  # commune id -> [branch]
    campaigns: list = field(default_factory=list)  # fund drive per commune (same order as communes)
    pig_campaigns: list = field(default_factory=list)  # piggy-bank campaign per commune


def units_and_users(rng, sizes, users, password) -> Tree:
    from app.campaigns.services import create_campaign
    from app.users.services import create_user
    from app.units.services import create_unit

    province = create_unit(None, "Hội Khuyến học tỉnh Bền Vững", "province", "Thành phố Bền Vững")
    communes, branches, branches_of = [], [], {}
    for i in range(sizes["communes"]):
        c = create_unit(province, f"Hội Khuyến học xã {commune_name(i)}", "commune")
        communes.append(c)
        kinds = ["village", "village", "school", "clan", "agency"]
        for j in range(sizes["branches_per_commune"]):
            name = (f"Chi hội ấp {VILLAGES[j % len(VILLAGES)]}" if kinds[j % 5] == "village"
                    else f"Chi hội {['trường', 'dòng họ', 'cơ quan'][j % 3]} số {j + 1}")
            b = create_unit(c, name, kinds[j % len(kinds)])
            branches.append(b)
            branches_of.setdefault(c.id, []).append(b)
    create_user(username=users["treasurer"], full_name="Nguyễn Thị Thu Quỹ", unit=province, role="treasurer",
                password=password, must_change_password=False)
    create_user(username=users["admin"], full_name="Trần Văn Quản Trị", unit=province, role="admin",
                password=password, must_change_password=False)
    create_user(username=users["commune"], full_name="Lê Thị Hồng Nhung", unit=communes[0], role="treasurer",
                password=password, must_change_password=False)
    tree = Tree(province, communes, branches, branches_of)
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    for c in communes:
        tree.campaigns.append(create_campaign(
            c, f"Tháng Khuyến học {YEAR} - {c.name[len('Hội Khuyến học '):]}", "fund_drive",
            "Học bổng cho học sinh nghèo vượt khó", start_date=start, end_date=end, target_amount=500_000_000))
        tree.pig_campaigns.append(create_campaign(
            c, f"Nuôi heo đất khuyến học {YEAR} - {c.name[len('Hội Khuyến học '):]}", "piggy_bank",
            start_date=start, end_date=end))
    return tree


def donations(rng, tree: Tree, sizes) -> int:
    """Donors per commune (bulk), then the gifts, one record_donations_bulk per campaign and batch."""
    from sqlalchemy import select

    from app.donations.donor_services import create_donors_bulk
    from app.donations.donors import Donor
    from app.donations.services import record_donations_bulk
    from app.extensions import db

    per_commune = max(1, sizes["donors"] // len(tree.communes))
    kinds = ["household", "household", "person", "person", "business"]
    donors_of = {}
    for c in tree.communes:
        ids = create_donors_bulk(c, [{
            "name": person_name(rng) if i % 25 else f"Công ty TNHH {rng.choice(VILLAGES)} {i}",
            "kind": kinds[i % 5] if i % 25 else "business",
            "address": f"Ấp {rng.choice(VILLAGES)}", "phone": f"09{rng.randrange(10**8):08d}" if i % 3 == 0 else ""}
            for i in range(per_commune)])
        donors_of[c.id] = ids
    db.session.commit()
    by_id = {d.id: d for d in db.session.scalars(select(Donor))}
    total, done = sizes["donations"], 0
    per_campaign = total // len(tree.campaigns)
    day0 = date(YEAR, 1, 5)
    while done < total:
        for ci, campaign in enumerate(tree.campaigns):
            n = min(per_campaign if ci < len(tree.campaigns) - 1 else total - done, total - done)
            if n <= 0:
                break
            ids = donors_of[campaign.unit_id]
            branches = tree.branches_of[campaign.unit_id]
            rows = []
            for k in range(n):
                method = rng.choice(("cash", "cash", "transfer", "cash", "in_kind")) if k % 50 else "in_kind"
                rows.append({
                    "donor": by_id[ids[rng.randrange(len(ids))]], "amount": rng.randrange(1, 200) * 10_000,
                    "donation_date": day0 + timedelta(days=rng.randrange(310)), "method": method,
                    "item": "Quyển vở" if method == "in_kind" else "", "quantity": 50 if method == "in_kind" else None,
                    "item_unit": "quyển" if method == "in_kind" else "",
                    "collector_name": rng.choice(["Cô Lan", "Thầy Hùng", "", ""]),
                    "collector_unit": rng.choice(branches) if k % 4 == 0 else None})
            record_donations_bulk(campaign, rows)
            done += n
            if ci % 10 == 9:
                db.session.commit()
        db.session.commit()
    return done


def piggy_banks(rng, tree: Tree, sizes) -> int:
    """Pigs issued per branch (issue_many: whole class lists), then every pig opened once (open_many)."""
    from app.extensions import db
    from app.piggybanks.bulk import open_many
    from app.piggybanks.services import issue_many

    per_branch = max(1, sizes["piggy_banks"] // len(tree.branches))
    campaign_of = {c.unit_id: c for c in tree.pig_campaigns}
    pigs = []
    for b in tree.branches:
        names = []
        seen = set()
        while len(names) < per_branch:
            name = person_name(rng)
            if name not in seen:
                seen.add(name)
                names.append(name)
        pigs += issue_many(b, names, holder_type="household", prefix=f"HD{b.id}", start=1,
                           issued_on=date(YEAR, 1, 10), seed_money=10_000, campaign=campaign_of[b.parent_id])
    db.session.commit()
    items = []
    for i, pig in enumerate(pigs):
        amount = rng.randrange(10, 300) * 10_000
        disposition = ("fund", "fund", "kept", "split")[i % 4]
        kw = dict(opened_on=date(YEAR, 10, 1) + timedelta(days=rng.randrange(45)), amount=amount,
                  disposition=disposition, witness1=WITNESSES[i % 3], witness2=WITNESSES[3 + i % 3])
        if disposition == "split":
            kw.update(to_fund=amount // 2, kept=amount - amount // 2)
        items.append((pig, kw))
    for i in range(0, len(items), 2000):
        open_many(items[i:i + 2000])
        db.session.commit()
    return len(pigs)


def pupils(rng, tree: Tree, sizes) -> list[int]:
    from app.extensions import db
    from app.pupils import services as pupil_services

    per_commune = sizes["pupils"] // len(tree.communes)
    ids = []
    levels = (("Tiểu học", "primary", (1, 5)), ("THCS", "lower_secondary", (6, 9)),
              ("THPT", "upper_secondary", (10, 12)))
    for c in tree.communes:
        short = c.name[len("Hội Khuyến học xã "):]
        schools = [(pupil_services.save_school(c, f"Trường {label} {short}", key), grades)
                   for label, key, grades in levels]
        datas = []
        for _ in range(per_commune):
            school, (lo, hi) = rng.choice(schools)
            grade = rng.randint(lo, hi)
            datas.append(pupil_services.PupilData.from_full_name(
                person_name(rng), birth_date=date(YEAR - 6 - grade, rng.randint(1, 12), rng.randint(1, 28)),
                gender=rng.choice(("male", "female")), school=school, grade=grade,
                class_name=f"{grade}A{rng.randint(1, 4)}", school_year=SCHOOL_YEAR,
                village=f"Ấp {rng.choice(VILLAGES)}", guardian=person_name(rng),
                circumstances={"poor"} if rng.random() < .25 else set()))
        ids += pupil_services.bulk_create_pupils(c, datas, source="bench")
    db.session.commit()
    return ids


def nominations(rng, tree: Tree, sizes, pupil_ids: list[int]) -> tuple[int, int]:
    """Half in one province-wide round (the big list page), half in commune rounds of 100."""
    from sqlalchemy import select

    from app.extensions import db
    from app.funds import services as funds
    from app.pupils.models import Pupil
    from app.scholarships import importing, services

    total = sizes["nominations"]
    big = total // 2
    shuffled = list(pupil_ids)
    rng.shuffle(shuffled)
    rnd = services.save_round(funds.default_fund(tree.province), f"Học bổng Tiếp bước đến trường {YEAR}",
                              SCHOOL_YEAR, 20_000_000_000, ceremony_date=date(YEAR, 9, 5))
    cats = [services.save_category(rnd, "Học bổng vượt khó", "hardship", 1_000_000, "10 quyển vở"),
            services.save_category(rnd, "Học bổng khuyến tài", "achievement", 2_000_000)]
    importing.bulk_nominate(rnd, [(pid, cats[i % 2], "", "Hoàn cảnh khó khăn, học tốt")
                                  for i, pid in enumerate(shuffled[:big])])
    db.session.commit()
    unit_of = dict(db.session.execute(select(Pupil.id, Pupil.unit_id)).tuples().all())
    by_commune: dict[int, list[int]] = {}
    for pid in shuffled[big:]:
        by_commune.setdefault(unit_of[pid], []).append(pid)
    left = total - big
    per_round = max(1, left // len(tree.communes))
    for c, campaign in zip(tree.communes, tree.campaigns):
        chosen = by_commune.get(c.id, [])[:per_round]
        r = services.save_round(campaign.fund, f"Học bổng năm học {SCHOOL_YEAR}", SCHOOL_YEAR, 200_000_000,
                                ceremony_date=date(YEAR, 9, 5))
        cat = services.save_category(r, "Học bổng vượt khó", "hardship", 500_000)
        importing.bulk_nominate(r, [(pid, cat, "", "Hộ nghèo") for pid in chosen])
        big += len(chosen)
    db.session.commit()
    return rnd.id, big


def honorees(rng, tree: Tree, sizes) -> tuple[int, int]:
    """One draft decision per commune, its list pasted in (from_text: add_honoree's checks per row)."""
    from app.commendations import bulk, services
    from app.extensions import db

    per = max(1, sizes["honorees"] // len(tree.communes))
    first, added = None, 0
    achievements = ["Học sinh giỏi cấp tỉnh", "Hoàn thành xuất sắc nhiệm vụ học tập", "Gia đình học tập tiêu biểu",
                    "Vượt khó học tốt", "Giải Ba Olympic Toán cấp tỉnh"]
    for i, c in enumerate(tree.communes):
        d = services.create_decision(c, services.DecisionData(
            number=f"{i + 1}/QĐ-HKH", decision_date=date(YEAR, 11, 2), title="Về việc khen thưởng học sinh giỏi",
            place=c.name[len("Hội Khuyến học xã "):], default_amount=200_000, school_year=SCHOOL_YEAR))
        text = "\n".join(f"{person_name(rng)}\t{rng.choice(achievements)} {k}" for k in range(per))
        added += bulk.from_text(d, text)
        first = first or d.id
        if i % 10 == 9:
            db.session.commit()
    db.session.commit()
    return first, added


def counts() -> dict:
    from sqlalchemy import func, select

    from app.commendations.models import Honoree
    from app.donations.models import Donation
    from app.extensions import db
    from app.funds.models import LedgerEntry
    from app.piggybanks.models import PiggyBank, PiggyBankOpening
    from app.pupils.models import Pupil
    from app.scholarships.models import Nomination
    from app.units.models import Unit
    from app.audit.models import AuditEntry
    from app.members.models import DuesBatch, DuesPayment, Member

    models = {"units": Unit, "members": Member, "dues_batches": DuesBatch, "dues_payments": DuesPayment, "donations": Donation, "ledger_entries": LedgerEntry, "piggy_banks": PiggyBank,
              "openings": PiggyBankOpening, "pupils": Pupil, "nominations": Nomination, "honorees": Honoree,
              "audit_entries": AuditEntry}
    return {k: db.session.scalar(select(func.count()).select_from(m)) for k, m in models.items()}


# ---- members and dues (issue 19) --------------------------------------------------------------

OCCUPATIONS = ["farmer", "farmer", "parent", "parent", "retired_teacher", "veteran", "worker", "business",
               "retired_official", "teacher", "official", "other"]
END_REASONS = {"left": "Chuyển đi nơi khác sinh sống", "deceased": "Từ trần vì tuổi cao"}


def members(rng, tree: Tree, sizes) -> dict:
    """Members spread over every branch (bulk_create_members, check_fields per row), about 2 % of
    them ended (left or died) in YEAR - 1 or YEAR; returns {branch id: [member ids]}."""
    from app.extensions import db
    from app.members import services as member_services

    per_branch = max(1, sizes["members"] // len(tree.branches))
    ids_of, ended = {}, []
    for i, b in enumerate(tree.branches):
        rows = []
        for _ in range(per_branch):
            village = f"Ấp {rng.choice(VILLAGES)}"
            born = rng.randint(1940, 2000)
            rows.append(member_services.check_fields(
                name=person_name(rng), birth_year=born, gender=rng.choice(("male", "female")), village=village,
                address=f"{village}, {b.parent.name[len('Hội Khuyến học '):]}",
                phone=f"09{rng.randrange(10**8):08d}" if rng.random() < .4 else "",
                occupation=rng.choice(OCCUPATIONS),
                joined_on=date(rng.randint(max(born + 18, 2005), YEAR - 1), rng.randint(1, 12), rng.randint(1, 28))))
        ids = member_services.bulk_create_members(b, rows)
        ids_of[b.id] = ids
        ended += [mid for mid in ids if rng.random() < .02]
        if i % 25 == 24:
            db.session.commit()
    db.session.commit()
    ids_of["ended"] = ended
    return ids_of


def end_members(rng, ended: list[int]) -> int:
    """Those chosen in members() leave or die (end_membership: its checks and audit per member)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.members import services as member_services
    from app.members.models import Member

    for k in range(0, len(ended), 1000):
        for member in db.session.scalars(select(Member).where(Member.id.in_(ended[k:k + 1000]))):
            status = "deceased" if member.id % 3 == 0 else "left"
            year = YEAR - 1 if member.id % 2 else YEAR
            on = max(member.joined_on + timedelta(days=1), date(year, rng.randint(1, 10), rng.randint(1, 28)))
            member_services.end_membership(member, status=status, ended_on=on, reason=END_REASONS[status])
        db.session.commit()
    return len(ended)


def dues(rng, tree: Tree, sizes, ids_of: dict) -> int:
    """Dues for YEAR - 1 and YEAR in the branches of the first tenth of the communes (the others do
    not collect): a setting per branch with its own operating fund, then three paper-list batches a
    year (collect: one phiếu thu each). About 85 % paid the earlier year, 70 % this year, so the lapsed
    list has members who paid neither."""
    from app.extensions import db

    try:
        from app.members import dues as dues_services
    except ModuleNotFoundError:  # before the dues services: members only
        return 0
    paying = tree.communes[:max(1, len(tree.communes) // 10)]
    amount = 24_000
    payments = 0
    for c in paying:
        for b in tree.branches_of[c.id]:
            dues_services.save_setting(b, enabled=True, amount=amount, fund_id=None, share_up=6_000,
                                       lapsed_after=1, new_fund=True)
            members = ids_of[b.id]
            for year, share in ((YEAR - 1, .85), (YEAR, .7)):
                payers = [m for m in members if rng.random() < share]
                for part in range(3):
                    chunk = payers[part::3]
                    if not chunk:
                        continue
                    dues_services.collect(b, year=year, member_ids=chunk, collected_on=date(year, 3 + part * 3, 15),
                                          collector=WITNESSES[part], control_total=amount * len(chunk))
                    payments += len(chunk)
            db.session.commit()
    return payments
