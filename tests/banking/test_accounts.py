"""Bank account pages and rules (app.banking.accounts, routes/accounts.py), plainly and through htmx."""
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.banking import accounts, vietqr
from app.banking.models import BankAccount, BankLine
from app.extensions import db
from tests.banking.test_vietqr import html_pdf, needs_tools, read_qr_codes
from tests.factories_banking import make_account


def _key(html):
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1)


def _count():
    return db.session.scalar(select(func.count()).select_from(BankAccount))


def _line(account, n=1):
    db.session.add(BankLine(unit_id=account.unit_id, bank_account_id=account.id, identity=f"ref:T{n}",
                            reference=f"T{n}", txn_date=date(2026, 9, 1), amount=100_000, direction="in",
                            description="KH1D1B"))
    db.session.commit()


# --- the rules ---------------------------------------------------------------------------------

def test_first_account_is_default_and_default_moves(world):
    first = make_account(world.commune)
    second = make_account(world.commune, number="123456789", label="Quỹ học bổng")
    assert first.is_default and not second.is_default
    assert accounts.account_for(world.branch) is first
    accounts.update_account(second, account_name="Hội khuyến học", label="Quỹ học bổng", is_default=True)
    db.session.commit()
    assert second.is_default and not db.session.get(BankAccount, first.id).is_default
    assert second.account_name == "HOI KHUYEN HOC"
    assert accounts.account_for(world.commune) is second
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "bank_account",
                                                        AuditEntry.action == "update")).one()
    assert entry.object_id == second.id


def test_inactive_cannot_be_default_and_is_not_shown(world):
    acc = make_account(world.commune)
    with pytest.raises(accounts.BankError) as err:
        accounts.update_account(acc, account_name=acc.account_name, is_default=True, active=False)
    assert err.value.field == "is_default"
    db.session.rollback()
    accounts.update_account(acc, account_name=acc.account_name, is_default=False, active=False)
    db.session.commit()
    assert accounts.account_for(world.commune) is None


def test_number_locked_once_a_line_exists(world):
    acc = make_account(world.commune)
    accounts.update_account(acc, account_name=acc.account_name, is_default=True, account_number="0071 000 999 999")
    db.session.commit()
    assert acc.account_number == "0071000999999"
    _line(acc)
    with pytest.raises(accounts.BankError) as err:
        accounts.update_account(acc, account_name=acc.account_name, is_default=True, account_number="1234567")
    assert err.value.field == "account_number"
    db.session.rollback()
    with pytest.raises(accounts.BankError) as err:
        accounts.update_account(acc, account_name=acc.account_name, is_default=True, bin_="970418")
    assert err.value.field == "bin"
    db.session.rollback()
    # the name and label still change
    accounts.update_account(acc, account_name="Hoi KH xa Tan Phu", label="Chính", is_default=True)
    assert acc.account_name == "HOI KH XA TAN PHU"


def test_duplicate_refused(world):
    make_account(world.commune)
    with pytest.raises(accounts.BankError):
        make_account(world.commune)
    db.session.rollback()
    other = make_account(world.commune, number="999888777")
    with pytest.raises(accounts.BankError):
        accounts.update_account(other, account_name="X", account_number="0071000123456")


def test_scope_list(world):
    own = make_account(world.branch, number="1111111")
    far = make_account(world.other_commune, number="2222222")
    assert accounts.accounts_in_scope(world.commune) == [own]
    assert set(accounts.accounts_in_scope(world.province)) == {own, far}


# --- the pages ---------------------------------------------------------------------------------

def test_the_list_reads_the_units_with_the_accounts(world):
    from sqlalchemy import event

    from tests.factories import make_unit

    for i in range(6):
        make_account(make_unit(world.commune, f"Chi hội số {i}", "village"), number=f"00710001{i:05d}")
    db.session.expire_all()
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        names = [a.unit.name for a in accounts.accounts_in_scope(world.commune)]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(names) == 6 and sum(s.startswith("SELECT") for s in statements) <= 2  # not one per account


def test_list_page_plain_and_htmx(world, as_user):
    make_account(world.commune, label="Quỹ khuyến học")
    make_account(world.other_commune, number="5555555555")
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        resp = client.get("/ngan-hang/", htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and ("<html" in html) != htmx and 'id="bank-accounts"' in html
        assert "0071000123456" in html and "Vietcombank" in html and "Quỹ khuyến học" in html
        assert "5555555555" not in html  # another commune's
        assert 'data-label="Số tài khoản"' in html
        assert 'href="/ngan-hang/moi"' not in html  # a viewer adds nothing
    assert 'href="/ngan-hang/"' in client.get("/ngan-hang/").get_data(as_text=True)  # the menu's link


def test_viewer_cannot_add_or_edit(world, as_user):
    acc = make_account(world.commune)
    client = as_user(world.users["viewer"])
    assert client.get("/ngan-hang/moi").status_code == 403
    assert client.post("/ngan-hang/moi", data={"bin": "970436"}).status_code == 403
    assert client.get(f"/ngan-hang/{acc.id}/sua").status_code == 403
    assert client.get(f"/ngan-hang/{acc.id}").status_code == 200
    assert client.get(f"/ngan-hang/{acc.id}").get_data(as_text=True).count(f'/ngan-hang/{acc.id}/sua') == 0


def test_other_commune_is_404(world, as_user):
    far = make_account(world.other_commune, number="2222222")
    client = as_user(world.users["treasurer"])
    for url in (f"/ngan-hang/{far.id}", f"/ngan-hang/{far.id}/sua", "/ngan-hang/999999", "/ngan-hang/99999999999"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/ngan-hang/{far.id}/sua", data={"account_name": "X"}).status_code == 404
    form = client.get("/ngan-hang/moi").get_data(as_text=True)
    resp = client.post("/ngan-hang/moi", data={"idem_key": _key(form), "unit_id": world.other_commune.id,
                                               "bin": "970436", "account_number": "123456789", "account_name": "X"})
    assert resp.status_code == 422 and _count() == 1  # a unit out of scope is not among the choices


def test_add_plain_then_once(world, as_user):
    client = as_user(world.users["treasurer"])
    form = client.get("/ngan-hang/moi").get_data(as_text=True)
    assert "Vietcombank — Ngân hàng TMCP Ngoại thương Việt Nam (970436)" in form
    assert 'for="account_number"' in form and 'for="bin"' in form
    data = {"idem_key": _key(form), "unit_id": world.branch.id, "bin": "970405",
            "account_number": "7300 205 123456", "account_name": "Chi hội ấp Tân Lộc", "label": "Quỹ chi hội"}
    resp = client.post("/ngan-hang/moi", data=data)
    assert resp.status_code == 303
    acc = db.session.scalars(select(BankAccount)).one()
    assert resp.headers["Location"].endswith(f"/ngan-hang/{acc.id}")
    assert (acc.unit_id, acc.bin, acc.account_number, acc.account_name, acc.is_default) == (
        world.branch.id, "970405", "7300205123456", "CHI HOI AP TAN LOC", True)
    again = client.post("/ngan-hang/moi", data=data)  # a double submit
    assert again.status_code == 303 and _count() == 1


def test_add_htmx_and_bad_input_kept(world, as_user):
    client = as_user(world.users["admin"])
    form = client.get("/ngan-hang/moi", htmx=True).get_data(as_text=True)
    assert "<html" not in form and 'id="bank-account-form"' in form
    data = {"idem_key": _key(form), "unit_id": world.commune.id, "bin": "970436", "account_number": "12#ab",
            "account_name": "Hội Khuyến học xã Tân Phú"}
    resp = client.post("/ngan-hang/moi", data=data, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in html
    assert re.search(r'id="account_number-err">Số tài khoản gồm 4 đến 19', html)
    assert 'value="12#ab"' in html and 'value="Hội Khuyến học xã Tân Phú"' in html and _count() == 0
    resp = client.post("/ngan-hang/moi", data={**data, "bin": "999999", "account_number": "123456"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="bin-err">Vui lòng chọn ngân hàng' in html
    resp = client.post("/ngan-hang/moi", data={**data, "account_number": "123456"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].startswith("/ngan-hang/") and _count() == 1


def test_edit_plain_and_htmx(world, as_user):
    acc = make_account(world.commune)
    client = as_user(world.users["treasurer"])
    for htmx in (False, True):
        html = client.get(f"/ngan-hang/{acc.id}/sua", htmx=htmx).get_data(as_text=True)
        assert ("<html" in html) != htmx and 'value="0071000123456"' in html and 'name="active"' in html
    data = {"bin": "970436", "account_number": "0071000123456", "account_name": "Hoi Khuyen hoc",
            "label": "Quỹ chung", "is_default": "y", "active": "y"}
    resp = client.post(f"/ngan-hang/{acc.id}/sua", data=data)
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/ngan-hang/{acc.id}")
    db.session.refresh(acc)
    assert (acc.account_name, acc.label, acc.is_default) == ("HOI KHUYEN HOC", "Quỹ chung", True)
    resp = client.post(f"/ngan-hang/{acc.id}/sua", data={**data, "account_name": "  "}, htmx=True)
    assert resp.status_code == 422 and "Vui lòng nhập tên chủ tài khoản" in resp.get_data(as_text=True)
    resp = client.post(f"/ngan-hang/{acc.id}/sua", data={**data, "label": "Tạm"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"] == f"/ngan-hang/{acc.id}"


def test_edit_locked_number_refused_beside_the_field(world, as_user):
    acc = make_account(world.commune)
    _line(acc)
    client = as_user(world.users["treasurer"])
    html = client.get(f"/ngan-hang/{acc.id}/sua").get_data(as_text=True)
    assert "không đổi được ngân hàng và số tài khoản" in html and "readonly" in html
    data = {"bin": "970436", "account_number": "999999999", "account_name": "HOI", "is_default": "y",
            "active": "y"}
    resp = client.post(f"/ngan-hang/{acc.id}/sua", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="account_number-err">Tài khoản đã có giao dịch' in html
    assert 'value="999999999"' in html
    db.session.refresh(acc)
    assert acc.account_number == "0071000123456"


def test_account_page_plain_and_htmx(world, as_user):
    acc = make_account(world.commune, label="Quỹ khuyến học")
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        resp = client.get(f"/ngan-hang/{acc.id}", htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and ("<html" in html) != htmx and 'id="bank-account"' in html
        assert "<svg " in html and 'class="vietqr"' in html and "0071000123456" in html


@needs_tools
def test_account_page_qr_decodes(world, as_user, tmp_path):
    acc = make_account(world.commune)
    client = as_user(world.users["viewer"])
    html = client.get(f"/ngan-hang/{acc.id}", htmx=True).get_data(as_text=True)
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    read = read_qr_codes(html_pdf(f'<div style="width:6cm">{svg}</div>'), tmp_path)
    assert read == [vietqr.payload("970436", "0071000123456")]
    assert vietqr.is_valid(read[0]) and vietqr.parse(read[0])["01"] == "11"  # static: no amount, no note


def test_unknown_idem_key_is_harmless(world, as_user):
    client = as_user(world.users["treasurer"])
    resp = client.post("/ngan-hang/moi", data={"idem_key": uuid.uuid4().hex, "unit_id": world.commune.id,
                                               "bin": "970418", "account_number": "12345678",
                                               "account_name": "Hội"})
    assert resp.status_code == 303 and _count() == 1
