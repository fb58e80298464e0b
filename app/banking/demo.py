"""Demo bank: Lai Vung's account at Vietcombank, shown in every QR of its drives.

September's statement is imported and worked through as a treasurer would: the transfer gifts typed
by hand are linked to their bank lines, the lines carrying the drive's payment code are posted as
gifts, the bank's fee is set aside with a reason, and two lines are left waiting in the queue.
October's statement is left as a file (instance/demo/), offered on the upload page, to try the import
with: coded lines, a donor's own code, a line carrying two codes and one with none.
"""
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.campaigns.demo import OCTOBER, SEPTEMBER
from app.campaigns.models import Campaign
from app.donations.models import TRANSFER, Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from app.vn.text import fold

from . import codes, services, staging
from .accounts import create_account
from .matching import LINK, MATCHED, match_lines
from .models import WAITING, BankAccount, BankLine
from .statements import read_statement, sample_statement

DEMO_FOLDER = "demo"
OPENING = 12_500_000


def demo_statement_path(account: BankAccount) -> Path:
    """Where the demo's October statement file for `account` lies (it exists only on a demo database)."""
    return Path(current_app.instance_path) / DEMO_FOLDER / f"sao-ke-{account.id}-thang-10-2026.xlsx"


def _bank_text(name: str) -> str:
    return fold(name).upper().replace("Đ", "D")


def seed(units: dict) -> None:
    unit = units["lai_vung"]
    account = create_account(unit, "970436", "1017 788 990", "Hội Khuyến học xã Lai Vung",
                             "Tài khoản Quỹ Khuyến học xã")
    sept = db.session.scalar(select(Campaign).where(Campaign.name == SEPTEMBER))
    octo = db.session.scalar(select(Campaign).where(Campaign.name == OCTOBER))
    if sept is None or octo is None:
        return
    db.session.commit()
    closing = _september(account, sept)
    _october_file(account, sept, octo, closing)


def _september(account: BankAccount, sept: Campaign) -> int:
    typed = db.session.scalars(select(Donation).where(Donation.campaign_id == sept.id, Donation.method == TRANSFER,
                                                      Donation.voided_at.is_(None)).order_by(Donation.id)).all()
    lines = [(g.donation_date, g.amount, "in", f"{_bank_text(g.donor.name)} chuyen tien ung ho quy khuyen hoc",
              f"FT26{g.donation_date:%m%d}{9100 + i:05d}") for i, g in enumerate(typed)]
    code = codes.drive_code(sept)
    coded = [("Trần Thị Kim Loan", 500_000, 18), ("Võ Văn Tám", 1_000_000, 20), ("Lê Hoàng Phúc", 300_000, 22),
             ("Nguyễn Ngọc Hân", 200_000, 25), ("Đặng Quốc Việt", 2_000_000, 27), ("Phan Thị Mai", 250_000, 29)]
    for i, (name, amount, day) in enumerate(coded):
        lines.append((date(2026, 9, day), amount, "in",
                      f"MBVCB.{4530998360 + i}.0295{i}.{_bank_text(name)} chuyen tien.{code}", f"FT2609{day}{7700 + i}"))
    lines.append((date(2026, 9, 30), 11_000, "out", "Thu phi duy tri dich vu tai khoan thang 09/2026", "FEE260930"))
    lines.append((date(2026, 9, 30), 150_000, "in", "CT DEN:0931 UNG HO HOC SINH NGHEO", "FT26093012345"))
    lines.sort(key=lambda x: x[0])
    data = sample_statement("vcb", lines, account_number=account.account_number, opening_balance=OPENING,
                            account_name=account.account_name, date_from=date(2026, 9, 1), date_to=date(2026, 9, 30))
    parsed = read_statement(data, "sao-ke-thang-9-2026.xlsx", layout="vcb")
    services.save_statement(account, parsed, filename="sao-ke-thang-9-2026.xlsx", digest=staging.digest_of(data))
    waiting = db.session.scalars(select(BankLine).where(BankLine.bank_account_id == account.id,
                                                        BankLine.status == WAITING).order_by(BankLine.id)).all()
    found = match_lines(account.unit, waiting)
    decisions, left_for_the_user = [], 1
    for line, m in zip(waiting, found):
        if m.category == MATCHED and m.action == LINK:
            services.link_line(line, db.session.get(LedgerEntry, m.entry_id))
        elif m.category == MATCHED and m.campaign_id == sept.id:
            if left_for_the_user:  # one coded line stays in the queue, to be posted by the visitor
                left_for_the_user -= 1
                continue
            decisions.append(services.Decision(line=line, campaign=sept, donor_name=m.donor_name or "Nhà hảo tâm",
                                               day=line.txn_date))
        elif line.direction == "out":
            services.ignore_lines([line], "Phí ngân hàng: ghi phiếu chi phí quản lý riêng")
    db.session.commit()
    if decisions:
        services.post_lines(account, decisions)
    db.session.commit()
    return OPENING + sum(x[1] if x[2] == "in" else -x[1] for x in lines)


def _october_file(account: BankAccount, sept: Campaign, octo: Campaign, opening: int) -> None:
    code = codes.drive_code(octo)
    donor = db.session.scalars(select(Donation).where(Donation.campaign_id == sept.id, Donation.method == TRANSFER,
                                                      Donation.voided_at.is_(None)).order_by(Donation.id)).first()
    lines = [(date(2026, 10, 1), 500_000, "in", f"TRAN VAN HAI chuyen tien {code}", "FT26100100001"),
             (date(2026, 10, 1), 1_000_000, "in", f"IBFT {code} HO NGUYEN VAN UNG HO GIA DINH HOC TAP",
              "FT26100100002"),
             (date(2026, 10, 2), 300_000, "in", f"NGUYEN THI LAN ck {code.lower()} ung ho", "FT26100200003"),
             (date(2026, 10, 2), 2_000_000, "in", f"UNG HO {code} VA {codes.drive_code(sept)}", "FT26100200004"),
             (date(2026, 10, 2), 400_000, "in", "LE VAN TOAN chuyen khoan", "FT26100200005")]
    if donor is not None:
        lines.insert(1, (date(2026, 10, 1), donor.amount, "in",
                         f"{_bank_text(donor.donor.name)} chuyen tien {codes.donor_code(octo, donor.donor)}",
                         "FT26100100006"))
    data = sample_statement("vcb", lines, account_number=account.account_number, opening_balance=opening,
                            account_name=account.account_name, date_from=date(2026, 10, 1),
                            date_to=date(2026, 10, 2))
    path = demo_statement_path(account)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
