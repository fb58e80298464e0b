"""Bank transfer routes (issue 17): accounts, statements in, the queue of lines, reconciliation, the
pages that ask someone to pay, and the live feed's endpoint.

"view" reads (every role, scoped by unit); "bank.manage" (admin, treasurer) adds and changes an
account and its webhook key; "bank.import" (treasurer) uploads statements and decides on lines.
"""
import itertools
from datetime import date

from tests.authz import ALL, Rule

MANAGE = frozenset({"admin", "treasurer"})
IMPORT = frozenset({"treasurer"})
_numbers = itertools.count(1)


def side(world, own):
    """(unit, uploader) of the acting user's commune (own) or of the other commune."""
    return (world.commune, world.users["treasurer"]) if own else (world.other_commune, world.other_user)


def fresh_account(unit):
    from tests.factories_banking import make_account

    return make_account(unit, number=f"0071{next(_numbers):09d}", name=f"HOI KHUYEN HOC {unit.id}")


def make_line(account, amount=150_000, status="waiting", reason="", description="NGUYEN VAN AN chuyen tien",
              day=date(2026, 3, 10)):
    """A bank line on `account` (as a saved statement leaves it), waiting or set aside."""
    from app.banking.models import BankLine
    from app.extensions import db

    from app.banking.statements.names import payer_name

    n = next(_numbers)
    line = BankLine(payer_name=payer_name(description), unit_id=account.unit_id, bank_account_id=account.id, identity=f"ref:FTAUTHZ{n}",
                    reference=f"FTAUTHZ{n}", txn_date=day, amount=amount, direction="in",
                    description=f"{description} {n}", status=status, reason=reason)
    db.session.add(line)
    db.session.commit()
    return line


def account(world, own):
    return {"account_id": fresh_account(side(world, own)[0]).id}


def ignored_line(world, own):
    acc = fresh_account(side(world, own)[0])
    return {"account_id": acc.id, "line_id": make_line(acc, status="ignored", reason="Phí ngân hàng").id}


def _staged(account_, user, stage):
    """Stage an upload as `user` would (app.core.imports keys it on the signed-in user)."""
    from flask import current_app
    from flask_login import login_user

    with current_app.test_request_context():
        login_user(user)
        return stage(account_)


def statement_csv(account_) -> tuple[bytes, str]:
    """A generic two-column-plus statement (no bank's header): the mapping page's input."""
    text = ("Ngay,So tien,Noi dung,So tham chieu\n"
            "10/03/2026,150000,NGUYEN VAN AN chuyen tien ung ho,FT0001\n"
            "11/03/2026,200000,TRAN THI BICH ung ho,FT0002\n")
    return text.encode("utf-8"), "sao-ke.csv"


def file_token(world, own):
    """The generic layout's staged file, by the treasurer (own) or the other commune's clerk."""
    from app.banking import staging as services

    unit, user = side(world, own)
    acc = fresh_account(unit)
    data, name = statement_csv(acc)
    return {"account_id": acc.id, "token": _staged(acc, user, lambda a: services.stage_file(a, data, name))}


def parsed_token(world, own):
    """A read statement waiting for "Lưu", staged by the treasurer (own) or the other commune's clerk."""
    from app.banking import staging as services
    from app.banking.statements.base import ParsedLine, ParsedStatement

    unit, user = side(world, own)
    acc = fresh_account(unit)
    n = next(_numbers)
    parsed = ParsedStatement(layout="generic", lines=[
        ParsedLine(row=2, txn_date=date(2026, 3, 10), amount=150_000, direction="in",
                   description=f"NGUYEN VAN AN chuyen tien ung ho {n}", reference=f"FTST{n}")])
    return {"account_id": acc.id, "token": _staged(
        acc, user, lambda a: services.stage_parsed(a, parsed, "sao-ke.csv", f"{n:064d}"))}


def drive(world, own):
    """A drive whose commune has a bank account (without one the pages answer 303 back)."""
    from tests.factories_donations import make_campaign

    unit = side(world, own)[0]
    fresh_account(unit)
    return {"campaign_id": make_campaign(unit).id}


def drive_donor(world, own):
    from tests.factories_donations import make_donor

    branch = world.branch if own else world.other_branch
    return {**drive(world, own), "donor_id": make_donor(branch).id}


def demo_file(world, own):
    """An account whose demo statement file lies in the instance folder (as app.banking.demo leaves it)."""
    from app.banking.demo import demo_statement_path
    from app.banking.statements import sample_statement

    acc = fresh_account(side(world, own)[0])
    path = demo_statement_path(acc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample_statement("vcb", [(date(2026, 10, 5), 150_000, "in", "NGUYEN VAN AN chuyen tien",
                                                "FT1")], account_number=acc.account_number))
    return {"account_id": acc.id}


# A token is staged for one user (the treasurer); a user holding treasurer with another role is
# another user: the token is not theirs and the page sends them back to the upload (303).
STAGED_GET = (200, 303)

TABLE = {
    "banking.accounts": Rule(ALL),
    "banking.account_new": Rule(MANAGE),
    "banking.account": Rule(ALL, args=account),
    "banking.account_edit": Rule(MANAGE, args=account),
    "banking.webhook_key": Rule(MANAGE, args=account),
    "banking.lines": Rule(ALL, args=account),
    "banking.lines_post": Rule(IMPORT, args=account),
    "banking.lines_ignore": Rule(IMPORT, args=account),
    "banking.line_reopen": Rule(IMPORT, args=ignored_line),
    "banking.statement_upload": Rule(IMPORT, args=account),
    "banking.statement_mapping": Rule(IMPORT, args=file_token, ok_get=STAGED_GET),
    "banking.statement_preview": Rule(IMPORT, args=parsed_token, ok_get=STAGED_GET),
    "banking.statement_confirm": Rule(IMPORT, args=parsed_token),
    "banking.demo_statement": Rule(ALL, args=demo_file),
    "banking.reconcile": Rule(ALL, args=account),
    "banking.reconcile_pdf": Rule(ALL, args=account),
    # A background print of what every reader may print (app.printing: the job is the user's own).
    "banking.reconcile_print": Rule(ALL, args=account),
    "banking.appeal_pdf": Rule(ALL, args=drive),
    "banking.reminder": Rule(ALL, args=drive_donor),
    "banking.reminder_pdf": Rule(ALL, args=drive_donor),
    # The live feed: no session, no CSRF token; an HMAC of the body with the account's key instead
    # (app.banking.webhook). Without a signature: 401, for anyone, signed in or not.
    "bank_hook.notify": Rule(public=True, args=account, extra={"public_status": (401,)}),
}
