"""Bank accounts built through the services."""
from app.banking import accounts
from app.extensions import db


def make_account(unit, bin_="970436", number="0071000123456", name="Hội Khuyến học xã Tân Phú", label="",
                 commit=True, **kw):
    account = accounts.create_account(unit, bin_, number, name, label, **kw)
    if commit:
        db.session.commit()
    return account
