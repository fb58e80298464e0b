"""The rows of one commune of the national seed, as COPY text lines (bench/national_seed.py).

Every row is what the services would have written for the same record (the bulk paths of
bench/province_seed.py, read back from a small seed through them): a gift of money is a donation,
its ledger income (phiếu thu numbered PT-<year>-NNNN per commune and year in date order, the
counter left at N + 1) and two audit entries (ledger 'post', donation 'create'); donors, members
(number series per chi hội, about 2 % ended, each with its 'end' audit entry) and pupils (one
audit entry per bulk import) likewise. Keys (name_key, search_key, ...) come from the app's own
functions, computed once per distinct name.

A commune's rows depend only on its index (random.Random(index)), so the two loading processes
may split the communes any way and the database is the same.
"""
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from bench.names import FAMILY, GIVEN, MIDDLE, VILLAGES

FIRST_DAY, DAYS = date(2025, 1, 5), 695  # gifts from January 2025 to the end of November 2026
SCHOOL_YEAR = "2025-2026"
OCCUPATIONS = ["farmer", "farmer", "parent", "parent", "retired_teacher", "veteran", "worker", "business",
               "retired_official", "teacher", "official", "other"]
END_REASONS = {"left": "Chuyển đi nơi khác sinh sống", "deceased": "Từ trần vì tuổi cao"}
LEVELS = (("Tiểu học", "primary", (1, 5)), ("THCS", "lower_secondary", (6, 9)), ("THPT", "upper_secondary", (10, 12)))
COLLECTORS = ["Cô Lan", "Thầy Hùng", "", ""]


def esc(value) -> str:
    """A COPY text field: NULL as \\N, the four characters COPY reads specially escaped."""
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def jtext(value) -> str:
    """A string as SQLAlchemy's JSON column writes it (json.dumps, ASCII escapes), COPY-escaped."""
    return esc(json.dumps(value))


@dataclass
class Person:
    full: str
    ho: str
    dem: str
    ten: str
    name_key: str
    search_key: str
    j: str  # the name as a JSON string, COPY-escaped


class Pools:
    """Every name and place once, with its keys (the app's functions are slow per row)."""

    def __init__(self):
        from app.vn.names import name_sort_key, split_name
        from app.vn.text import fold

        self.people = []
        for f in FAMILY:
            for m in MIDDLE:
                for g in GIVEN:
                    full = f"{f} {m} {g}"
                    ho, dem, ten = split_name(full)
                    self.people.append(Person(full, ho, dem, ten, name_sort_key(ho, dem, ten), fold(full)[:220],
                                              jtext(full)))
        self.villages = [(f"Ấp {v}", fold(f"Ấp {v}")) for v in VILLAGES]
        self.collectors = [(c, fold(c)) for c in COLLECTORS]
        self.fold, self.name_sort_key = fold, name_sort_key


@dataclass
class Commune:
    """What the rows of one commune point at (ids fixed by bench/national_seed.py's plan)."""
    index: int
    unit_id: int
    short: str  # "xã Tân An 1"
    fund_id: int
    campaign_id: int
    campaign_name: str
    branches: list  # [branch unit id]
    branch_names: list
    donor0: int  # first donor id - 1
    donors: int
    gift0: int  # first donation (and ledger entry) id - 1
    gifts: int
    member0: int
    members: list  # members per branch
    pupil0: int
    pupils: int
    school0: int
    reversal0: int  # first reversal entry id - 1 (after every gift's entry)
    dues: bool = False  # this commune's chi hội collect dues (a tenth of the communes)
    first_branch: int = 0  # the first chi hội id of the country: dues ids are numbered from it
    communes: int = 0  # the country's communes (branch funds are numbered after theirs)
    dues_entry0: int = 0  # the first dues ledger entry id - 1 of the country


DUES, SHARE_UP = 24_000, 6_000


VOID_EVERY, VOID_AT = 500, 250  # gift k of a commune is voided when k % 500 == 250 (0.2 %)
VOID_REASON = "Ghi nhầm số tiền, nhập lại phiếu khác"


def voids(gifts: int) -> int:
    return (gifts + VOID_EVERY - 1 - VOID_AT) // VOID_EVERY


def _date(days: int) -> date:
    return FIRST_DAY + timedelta(days=days)


def commune_rows(c: Commune, pools: Pools, now: str) -> dict[str, list[str]]:
    """{table: COPY lines} for commune `c` (audit lines without id: the sequence numbers them)."""
    rng = random.Random(c.index)
    out = {"donor": [], "donation": [], "ledger_entry": [], "audit_log": [], "member": [], "pupil": [],
           "fund": [], "dues_setting": [], "dues_batch": [], "dues_payment": [], "counters": []}
    audit = out["audit_log"].append
    people = pools.people
    n_people = len(people)
    # -- donors: households and persons, a business in 25
    kinds = ("household", "household", "person", "person", "business")
    donor_name, donor_addr = [], []
    for i in range(c.donors):
        did = c.donor0 + i + 1
        village, village_key = pools.villages[rng.randrange(len(pools.villages))]
        phone = f"09{rng.randrange(10**8):08d}" if i % 3 == 0 else ""
        if i % 25:
            p = people[rng.randrange(n_people)]
            name, name_j, search_key, name_key, kind = p.full, p.j, p.search_key, p.name_key, kinds[i % 5]
        else:
            name = f"Công ty TNHH {VILLAGES[rng.randrange(len(VILLAGES))]} {i}"
            name_j, search_key, name_key, kind = jtext(name), pools.fold(name)[:200], \
                pools.name_sort_key("", "", name), "business"
        donor_name.append((esc(name), name_j))
        donor_addr.append(esc(village))
        out["donor"].append(f"{did}\t{c.unit_id}\t{kind}\t{esc(name)}\t{search_key}\t{name_key}\t{esc(village)}\t"
                            f"{village_key}\t{phone}\t{phone}\t\t\\N\t{now}")
        audit(f"{now}\t\\N\t\t{c.unit_id}\tdonor\t{did}\tcreate\tnull\t"
              f"{{\"name\": {name_j}, \"kind\": \"{kind}\", \"unit_id\": {c.unit_id}, \"address\": {jtext(village)}, "
              f"\"phone\": \"{phone}\", \"note\": \"\", \"merged_into_id\": null}}\t\t")
    # -- gifts of money: in date order, so the PT numbers follow the dates as post_incomes_bulk's do
    days = sorted(rng.randrange(DAYS) for _ in range(c.gifts))
    purpose = esc(f"Ủng hộ {c.campaign_name} (Học bổng cho học sinh nghèo vượt khó)")
    year_n, top = {}, {}
    donation, ledger = out["donation"].append, out["ledger_entry"].append
    for k, d in enumerate(days):
        gid = c.gift0 + k + 1
        day = _date(d)
        iso = day.isoformat()
        year = day.year
        n = year_n[year] = year_n.get(year, 0) + 1
        number = f"PT-{year}-{n:04d}"
        di = rng.randrange(c.donors)
        did = c.donor0 + di + 1
        amount = rng.randrange(1, 200) * 10_000
        method = "transfer" if rng.random() < .2 else "cash"
        collector, collector_key = pools.collectors[rng.randrange(4)]
        branch = c.branches[rng.randrange(len(c.branches))] if k % 4 == 0 else None
        name, name_j = donor_name[di]
        branch_text = branch if branch else "\\N"
        void = k % VOID_EVERY == VOID_AT
        voided_at, void_reason = (f"{_date(d + 3).isoformat()} 09:00:00", VOID_REASON) if void else ("\\N", "")
        donation(f"{gid}\t{c.unit_id}\t{c.campaign_id}\t{did}\t{iso}\t{amount}\t{method}\t\t\\N\t\t{collector}\t"
                 f"{collector_key}\t{branch_text}\t\t{gid}\t{voided_at}\t{void_reason}\t\\N\t\\N\t{now}\tf\t\\N")
        ledger(f"{gid}\t{c.fund_id}\t{c.unit_id}\t{iso}\t{amount}\tin\tdonation\t{gid}\t{number}\t{method}\t{name}\t"
               f"{donor_addr[di]}\t{purpose}\t\t\\N\t\\N\t\\N\t{now}\t\\N")
        audit(f"{now}\t\\N\t\t{c.unit_id}\tledger_entry\t{gid}\tpost\tnull\t"
              f"{{\"fund_id\": {c.fund_id}, \"number\": \"{number}\", \"date\": \"{iso}\", \"amount\": {amount}, "
              f"\"direction\": \"in\", \"source\": \"donation\", \"source_id\": {gid}, \"counterparty\": {name_j}}}\t\t")
        audit(f"{now}\t\\N\t\t{c.unit_id}\tdonation\t{gid}\tcreate\tnull\t"
              f"{{\"campaign_id\": {c.campaign_id}, \"donor_id\": {did}, \"date\": \"{iso}\", \"amount\": {amount}, "
              f"\"method\": \"{method}\", \"anonymous\": false, \"entry_id\": {gid}, \"goods_entry_id\": null}}\t\t")
        top[year] = n
        if void:  # void_donation: the reversal (no number, dated the day of the void), then the 'void' entry
            rid = c.reversal0 + k // VOID_EVERY + 1
            rday = _date(d + 3).isoformat()
            ledger(f"{rid}\t{c.fund_id}\t{c.unit_id}\t{rday}\t{amount}\tout\treversal\t{gid}\t\\N\t{method}\t{name}\t"
                   f"{donor_addr[di]}\t{VOID_REASON}\t{number}\t\\N\t{gid}\t\\N\t{now}\t\\N")
            audit(f"{now}\t\\N\t\t{c.unit_id}\tledger_entry\t{rid}\tpost\tnull\t"
                  f"{{\"fund_id\": {c.fund_id}, \"number\": null, \"date\": \"{rday}\", \"amount\": {amount}, "
                  f"\"direction\": \"out\", \"source\": \"reversal\", \"source_id\": {gid}, \"counterparty\": {name_j}, "
                  f"\"description\": {jtext(VOID_REASON)}, \"basis\": \"{number}\", \"transfer_id\": null, "
                  f"\"reversal_of_id\": {gid}, \"corrects_id\": null}}\t\t")
            gift = (f"\"campaign_id\": {c.campaign_id}, \"donor_id\": {did}, \"unit_id\": {c.unit_id}, \"date\": \"{iso}\", "
                    f"\"amount\": {amount}, \"method\": \"{method}\", \"item\": \"\", \"quantity\": null, "
                    f"\"item_unit\": \"\", \"collector_name\": {jtext(collector)}, \"collector_unit_id\": "
                    f"{branch or 'null'}, \"note\": \"\", \"anonymous\": false, \"entry_id\": {gid}, "
                    f"\"goods_entry_id\": null, ")
            audit(f"{now}\t\\N\t\t{c.unit_id}\tdonation\t{gid}\tvoid\t{{{gift}\"voided\": false, \"void_reason\": \"\"}}\t"
                  f"{{{gift}\"voided\": true, \"void_reason\": {jtext(VOID_REASON)}}}\t\t")
    out["counters"] = [(c.unit_id, "PT", year, n + 1) for year, n in top.items()]
    # -- members, numbered per chi hội from 1; about 2 % left or died
    mid = c.member0
    for bi, (branch, count) in enumerate(zip(c.branches, c.members)):
        live = []
        for number in range(1, count + 1):
            mid += 1
            p = people[rng.randrange(n_people)]
            village, village_key = pools.villages[rng.randrange(len(pools.villages))]
            born = rng.randint(1940, 2000)
            phone = f"09{rng.randrange(10**8):08d}" if rng.random() < .4 else ""
            occupation = OCCUPATIONS[rng.randrange(len(OCCUPATIONS))]
            joined = date(rng.randint(max(born + 18, 2005), 2025), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
            gender = "male" if rng.random() < .5 else "female"
            address = f"{village}, {c.short}"
            status, ended, reason = "active", None, ""
            if rng.random() >= .02:
                live.append(mid)
            else:
                status = "deceased" if mid % 3 == 0 else "left"
                ended = max(date.fromisoformat(joined) + timedelta(days=1),
                            date(2025 if mid % 2 else 2026, rng.randint(1, 10), rng.randint(1, 28))).isoformat()
                reason = END_REASONS[status]
            out["member"].append(
                f"{mid}\t{branch}\t{number}\t{p.ho}\t{p.dem}\t{p.ten}\t{p.name_key}\t{p.search_key}\t{born}\t{gender}\t"
                f"{address}\t{village}\t{village_key}\t{phone}\t{phone}\t{occupation}\t{joined}\t{status}\t"
                f"{ended or chr(92) + 'N'}\t{reason}\t\t\\N\t{now}\t\\N")
            body = (f"\"unit_id\": {branch}, \"number\": {number}, \"name\": {p.j}, \"birth_year\": {born}, "
                    f"\"gender\": \"{gender}\", \"address\": {jtext(address)}, \"village\": {jtext(village)}, "
                    f"\"phone\": \"{phone}\", \"occupation\": \"{occupation}\", \"joined_on\": \"{joined}\", ")
            active = body + "\"status\": \"active\", \"ended_on\": null, \"end_reason\": \"\", \"note\": \"\", " \
                            "\"donor_id\": null}"
            audit(f"{now}\t\\N\t\t{branch}\tmember\t{mid}\tcreate\tnull\t{{{active}\t\t")
            if ended:
                audit(f"{now}\t\\N\t\t{branch}\tmember\t{mid}\tend\t{{{active}\t"
                      f"{{{body}\"status\": \"{status}\", \"ended_on\": \"{ended}\", \"end_reason\": {jtext(reason)}, "
                      f"\"note\": \"\", \"donor_id\": null}}\t\t")
        out["counters"].append((branch, "member", None, count + 1))
        if c.dues:
            _dues(c, branch, c.branch_names[bi], live, rng, out, now)
    # -- pupils of the commune's three schools, one audit entry for the import
    for i in range(c.pupils):
        pid = c.pupil0 + i + 1
        level = rng.randrange(3)
        lo, hi = LEVELS[level][2]
        grade = rng.randint(lo, hi)
        p = people[rng.randrange(n_people)]
        g = people[rng.randrange(n_people)]
        village, village_key = pools.villages[rng.randrange(len(pools.villages))]
        born = date(2026 - 6 - grade, rng.randint(1, 12), rng.randint(1, 28))
        poor = "t" if rng.random() < .25 else "f"
        out["pupil"].append(
            f"{pid}\t{c.unit_id}\t{p.ho}\t{p.dem}\t{p.ten}\t{p.name_key}\t{p.search_key}\t{born.isoformat()}\t"
            f"{born.year}\t{'male' if rng.random() < .5 else 'female'}\tKinh\t{c.school0 + level + 1}\t{grade}\t"
            f"{grade}A{rng.randint(1, 4)}\t{SCHOOL_YEAR}\t{village}\t{village_key}\t{g.full}\t{g.search_key}\t\t"
            f"{poor}\tf\tf\tf\tf\tf\t\t\\N\t{now}")
    if c.pupils:
        audit(f"{now}\t\\N\t\t{c.unit_id}\tpupil\t\\N\tcreate\tnull\t"
              f"{{\"source\": \"bench\", \"count\": {c.pupils}, \"first_id\": {c.pupil0 + 1}, "
              f"\"last_id\": {c.pupil0 + c.pupils}}}\t\t")
    return out


def _dues(c: Commune, branch: int, branch_name: str, members: list[int], rng, out: dict, now: str) -> None:
    """dues.save_setting (a new operating fund) and three collect() lists a year for 2025 and 2026:
    a batch, its phiếu thu (the chi hội's own PT series) and a payment per member, each audited."""
    audit = out["audit_log"].append
    ordinal = branch - c.first_branch
    fund = c.communes + ordinal + 1
    fund_name, fund_text = "Quỹ hoạt động Hội", "Hội phí và chi hoạt động của Hội"
    out["fund"].append(f"{fund}\t{branch}\t{fund_name}\tquy hoat dong hoi\t{fund_text}\tf\tt\t{now}")
    audit(f"{now}\t\\N\t\t{branch}\tfund\t{fund}\tcreate\tnull\t{{\"name\": {jtext(fund_name)}, \"unit_id\": {branch}, "
          f"\"description\": {jtext(fund_text)}, \"is_default\": false}}\t\t")
    out["dues_setting"].append(f"{branch}\tt\t{DUES}\t{fund}\t{SHARE_UP}\t1\t{now}")
    audit(f"{now}\t\\N\t\t{branch}\tdues_setting\t\\N\tcreate\tnull\t{{\"enabled\": true, \"amount\": {DUES}, "
          f"\"fund_id\": {fund}, \"share_up\": {SHARE_UP}, \"lapsed_after\": 1}}\t\t")
    j = 0
    for year, share in ((2025, .85), (2026, .7)):
        payers = [m for m in members if rng.random() < share]
        n = 0
        for part in range(3):
            ids = sorted(payers[part::3])
            if not ids:
                continue
            batch, entry = ordinal * 6 + j + 1, c.dues_entry0 + ordinal * 6 + j + 1
            j, n = j + 1, n + 1
            on, collector = date(year, 3 + part * 3, 15).isoformat(), ["Cô Lan", "Thầy Hùng", "Bác Tư"][part]
            total, number = DUES * len(ids), f"PT-{year}-{n:04d}"
            what = f"Thu hội phí năm {year} của {len(ids)} hội viên {branch_name}"
            basis = f"Danh sách thu hội phí {len(ids)} hội viên"
            out["dues_batch"].append(f"{batch}\t{branch}\t{year}\t{on}\t{collector}\t{len(ids)}\t{total}\t{entry}\t\\N\t\t{now}")
            out["ledger_entry"].append(f"{entry}\t{fund}\t{branch}\t{on}\t{total}\tin\tdues\t{batch}\t{number}\tcash\t"
                                       f"{collector}\t\t{what}\t{basis}\t\\N\t\\N\t\\N\t{now}\t\\N")
            audit(f"{now}\t\\N\t\t{branch}\tledger_entry\t{entry}\tpost\tnull\t{{\"fund_id\": {fund}, \"number\": "
                  f"\"{number}\", \"date\": \"{on}\", \"amount\": {total}, \"direction\": \"in\", \"source\": \"dues\", "
                  f"\"source_id\": {batch}, \"counterparty\": {jtext(collector)}, \"description\": {jtext(what)}, "
                  f"\"basis\": {jtext(basis)}, \"transfer_id\": null, \"reversal_of_id\": null, \"corrects_id\": null}}\t\t")
            audit(f"{now}\t\\N\t\t{branch}\tdues_batch\t{batch}\tcreate\tnull\t{{\"unit_id\": {branch}, \"year\": {year}, "
                  f"\"collected_on\": \"{on}\", \"collector\": {jtext(collector)}, \"count\": {len(ids)}, \"total\": {total}, "
                  f"\"ledger_entry_id\": {entry}, \"voided\": false, \"void_reason\": \"\", \"member_ids\": {ids}}}\t\t")
            out["dues_payment"] += [f"{batch}\t{m}\t{year}\t{DUES}\tf" for m in ids]
        if n:
            out["counters"].append((branch, "PT", year, n + 1))


COLUMNS = {
    "fund": "id, unit_id, name, search_key, description, is_default, active, created_at",
    "dues_setting": "unit_id, enabled, amount, fund_id, share_up, lapsed_after, updated_at",
    "dues_batch": "id, unit_id, year, collected_on, collector, count, total, ledger_entry_id, voided_at, void_reason, "
                  "created_at",
    "dues_payment": "batch_id, member_id, year, amount, voided",
    "donor": "id, unit_id, kind, name, search_key, name_key, address, address_key, phone, phone_key, note, "
             "merged_into_id, created_at",
    "donation": "id, unit_id, campaign_id, donor_id, donation_date, amount, method, item, quantity, item_unit, "
                "collector_name, collector_key, collector_unit_id, note, entry_id, voided_at, void_reason, "
                "voided_by_id, created_by_id, created_at, anonymous, goods_entry_id",
    "ledger_entry": "id, fund_id, unit_id, entry_date, amount, direction, source, source_id, number, method, "
                    "counterparty, counterparty_address, description, basis, transfer_id, reversal_of_id, "
                    "created_by_id, created_at, corrects_id",
    "audit_log": "at, user_id, username, unit_id, object_type, object_id, action, before, after, request_id, ip",
    "member": "id, unit_id, number, ho, dem, ten, name_key, search_key, birth_year, gender, address, village, "
              "village_key, phone, phone_key, occupation, joined_on, status, ended_on, end_reason, note, donor_id, "
              "created_at, rejoined_from_id",
    "pupil": "id, unit_id, ho, dem, ten, name_key, search_key, birth_date, birth_year, gender, ethnicity, "
             "school_id, grade, class_name, school_year, village, village_key, guardian, guardian_key, phone, poor, "
             "near_poor, orphan, disabled, minority, other_hardship, circumstance_note, merged_into_id, created_at",
}
