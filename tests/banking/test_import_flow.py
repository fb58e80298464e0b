"""A statement in through the pages: upload -> (columns) -> preview -> saved -> the queue (issue 17 B)."""
import io
import json
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from app.banking.codes import drive_code
from app.banking.models import BankAccount, BankLine, BankStatement
from app.banking.statements import guess_mapping, sample_statement, sheet_preview
from app.extensions import db
from tests.factories_banking import make_account
from tests.factories_donations import make_campaign, make_donation

DAY = date(2026, 9, 10)
BINS = {"vcb": "970436", "bidv": "970418", "vietinbank": "970415", "agribank": "970405", "techcombank": "970407",
        "mb": "970422"}
NUMBER = "0071000123456"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def lines_for(a, b):
    """A matched code, an ambiguous one (two codes), a line matching a typed-in gift by amount and
    date, an unmatched incoming line and an unmatched fee."""
    return [(DAY, 500_000, "in", f"MBVCB.4530998360.029552.NGUYEN VAN AN chuyen tien.{drive_code(a)}", "FT26001"),
            (DAY, 200_000, "in", f"TRAN THI BICH chuyen tien {drive_code(a)} {drive_code(b)}", "FT26002"),
            (DAY, 700_000, "in", "LE VAN CUONG chuyen tien ung ho", "FT26003"),
            (DAY, 123_000, "in", "PHAM VAN DUNG chuyen tien", "FT26004"),
            (DAY, 11_000, "out", "Phi dich vu SMS", "FT26005")]


@pytest.fixture
def setup(world):
    def build(layout="vcb"):
        account = make_account(world.commune, bin_=BINS.get(layout, "970436"), number=NUMBER)
        a = make_campaign(world.commune, "Tháng Khuyến học 2026")
        b = make_campaign(world.commune, "Học bổng Tết")
        typed = make_donation(a, 700_000, day=date(2026, 9, 9), method="transfer")
        return account, a, b, typed
    return build


def upload(client, account, data, filename="sao-ke.xlsx", layout="", htmx=False):
    return client.post(f"/ngan-hang/{account.id}/sao-ke", data={"file": (io.BytesIO(data), filename),
                                                                "layout": layout},
                       content_type="multipart/form-data", htmx=htmx)


def where(resp) -> str:
    return resp.headers.get("HX-Redirect") or resp.headers["Location"]


def confirm(client, preview_url, htmx=False, key=None):
    return client.post(preview_url + "/luu", data={"idem_key": key or uuid.uuid4().hex}, htmx=htmx)


@pytest.mark.parametrize("layout", sorted(BINS))
def test_each_bank_layout_imports_once(setup, as_user, world, layout):
    account, a, b, typed = setup(layout)
    client = as_user(world.users["treasurer"])
    data = sample_statement(layout, lines_for(a, b), account_number=NUMBER, opening_balance=1_000_000)
    page = client.get(f"/ngan-hang/{account.id}/sao-ke")
    assert page.status_code == 200 and re.search(rf'<option (selected value="{layout}"|value="{layout}" selected)',
                                                 page.get_data(as_text=True))
    resp = upload(client, account, data)
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    preview = where(resp)
    html = client.get(preview).get_data(as_text=True)
    assert "Giao dịch mới" in html and "Tháng Khuyến học 2026" in html
    assert re.search(r"Đã khớp</dt><dd>2<", html) and re.search(r"Cần xem lại</dt><dd>1<", html)
    assert re.search(r"Chưa khớp</dt><dd>2<", html)
    assert count(BankLine) == 0  # the preview writes nothing
    saved = confirm(client, preview)
    assert saved.status_code == 303 and f"/ngan-hang/{account.id}/giao-dich" in where(saved)
    assert count(BankLine) == 5 and count(BankStatement) == 1
    statement = db.session.scalar(select(BankStatement))
    assert (statement.lines_total, statement.lines_new, statement.layout) == (5, 5, layout)
    queue = client.get(where(saved)).get_data(as_text=True)
    assert "NGUYEN VAN AN" in queue and "Nguyen Van An" in queue
    # The same file again: everything already there, nothing new (not even a second statement).
    again = where(upload(client, account, data))
    assert "Đã nhập từ trước</dt><dd>5<" in client.get(again).get_data(as_text=True)
    assert confirm(client, again).status_code == 303
    assert count(BankLine) == 5 and count(BankStatement) == 1


def test_csv_and_overlapping_statement_add_only_new_lines(setup, as_user, world):
    account, a, b, _ = setup("mb")
    client = as_user(world.users["treasurer"])
    first = lines_for(a, b)
    confirm(client, where(upload(client, account, sample_statement("mb", first[:3], account_number=NUMBER,
                                                                     fmt="csv"), "sk.csv")))
    assert count(BankLine) == 3
    confirm(client, where(upload(client, account, sample_statement("mb", first[1:], account_number=NUMBER))))
    assert count(BankLine) == 5 and count(BankStatement) == 2


def test_double_confirm_saves_once(setup, as_user, world):
    account, a, b, _ = setup()
    client = as_user(world.users["treasurer"])
    preview = where(upload(client, account, sample_statement("vcb", lines_for(a, b), account_number=NUMBER)))
    key = uuid.uuid4().hex
    first, second = confirm(client, preview, key=key), confirm(client, preview, key=key)
    assert where(first) == where(second) and count(BankLine) == 5 and count(BankStatement) == 1


@pytest.mark.parametrize("data, filename, message, layouts", [
    (b"", "x.xlsx", "trống", ("vcb", "", "generic")),
    (b"PK\x03\x04 not really a zip", "x.xlsx", "", ("vcb", "", "generic")),
    (b"hello;world\n1;2\n", "x.csv", "", ("vcb", "mb")),  # a table, but not the bank's (auto: the mapping page)
])
def test_bad_file_says_why_beside_the_file_and_writes_nothing(setup, as_user, world, data, filename, message,
                                                              layouts):
    account, *_ = setup()
    client = as_user(world.users["treasurer"])
    for n, layout in enumerate(layouts):
        htmx = bool(n % 2)
        resp = upload(client, account, data, filename, layout=layout, htmx=htmx)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422 and 'id="file-err"' in html and message in html
        assert ("<html" in html) is not htmx
    assert count(BankLine) == 0 and count(BankStatement) == 0


def test_statement_of_another_account_is_refused(setup, as_user, world):
    account, a, b, _ = setup()
    client = as_user(world.users["treasurer"])
    resp = upload(client, account, sample_statement("vcb", lines_for(a, b), account_number="9999888877"))
    assert resp.status_code == 422 and "9999888877" in resp.get_data(as_text=True)


def test_generic_layout_maps_columns_once_and_keeps_them(setup, as_user, world):
    account, a, b, _ = setup()
    client = as_user(world.users["treasurer"])
    data = sample_statement("generic", lines_for(a, b), account_number=NUMBER)
    resp = upload(client, account, data, layout="generic")
    assert resp.status_code == 303 and where(resp).endswith("/cot")
    mapping_url = where(resp)
    page = client.get(mapping_url)
    assert page.status_code == 200 and "Các dòng đầu của tệp" in page.get_data(as_text=True)
    assert "<html" not in client.get(mapping_url, htmx=True).get_data(as_text=True)
    # The guessed columns are preselected; post them (as the page shows them) through htmx.
    guessed = guess_mapping(sheet_preview(data, "sao-ke.xlsx"))
    html = page.get_data(as_text=True)
    assert re.search(rf'<option (selected value="{guessed["date"]}"|value="{guessed["date"]}" selected)', html)
    form = {k: (-1 if v is None else v) for k, v in guessed.items()}
    assert guessed["reference"] is not None
    form["reference"] = -1  # the user says: no reference column (kept for next time, unlike the guess)
    resp = client.post(mapping_url, data=form, htmx=True)
    assert resp.status_code == 200 and "HX-Redirect" in resp.headers, resp.get_data(as_text=True)[:3000]
    confirm(client, where(resp))
    assert count(BankLine) == 5
    kept = db.session.get(BankAccount, account.id)
    assert kept.layout == "generic" and json.loads(kept.mapping_json)["date"] == int(form["date"])
    # Next time the generic upload starts from the kept columns.
    kept_page = client.get(where(upload(client, account, data, layout="generic"))).get_data(as_text=True)
    reference = kept_page.split('id="reference"')[1].split("</select>")[0]
    assert re.search(r'<option (selected value="-1"|value="-1" selected)', reference)
    upload_page = client.get(f"/ngan-hang/{account.id}/sao-ke").get_data(as_text=True)
    assert re.search(r'<option (selected value="generic"|value="generic" selected)', upload_page)


def test_undetectable_layout_goes_to_the_mapping_page(setup, as_user, world):
    account, *_ = setup()
    client = as_user(world.users["treasurer"])
    data = "Ngay lam;Tien;Ghi\n10/09/2026;500000;abc\n".encode()
    resp = upload(client, account, data, "x.csv")
    assert resp.status_code == 303 and where(resp).endswith("/cot")


def test_roles_and_scope(setup, as_user, world):
    account, a, b, _ = setup()
    data = sample_statement("vcb", lines_for(a, b), account_number=NUMBER)
    for role in ("clerk", "viewer", "admin"):
        client = as_user(world.users[role])
        assert client.get(f"/ngan-hang/{account.id}/sao-ke").status_code == 403
        assert upload(client, account, data).status_code == 403
        client.post("/dang-xuat")
    client = as_user(world.other_user)
    assert client.get(f"/ngan-hang/{account.id}/sao-ke").status_code == 404
    assert count(BankLine) == 0


def test_staged_upload_belongs_to_its_uploader(setup, as_user, world, client):
    account, a, b, _ = setup()
    treasurer = as_user(world.users["treasurer"])
    preview = where(upload(treasurer, account, sample_statement("vcb", lines_for(a, b), account_number=NUMBER)))
    other = make_account(world.commune, number="1234567890")
    stolen = preview.replace(f"/ngan-hang/{account.id}/", f"/ngan-hang/{other.id}/")
    assert treasurer.get(stolen).status_code == 303  # another account's address: expired, upload again
    assert treasurer.get("/ngan-hang/%d/sao-ke/%s" % (account.id, "0" * 32)).status_code == 303


def test_pages_answer_htmx_with_fragments(setup, as_user, world):
    account, a, b, _ = setup()
    client = as_user(world.users["treasurer"])
    page = client.get(f"/ngan-hang/{account.id}/sao-ke", htmx=True).get_data(as_text=True)
    assert "<html" not in page and 'id="statement-upload"' in page
    resp = upload(client, account, sample_statement("vcb", lines_for(a, b), account_number=NUMBER), htmx=True)
    assert resp.status_code == 200 and "HX-Redirect" in resp.headers
    preview = resp.headers["HX-Redirect"]
    fragment = client.get(preview, htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and 'id="statement-preview"' in fragment
    saved = confirm(client, preview, htmx=True)
    assert "HX-Redirect" in saved.headers and count(BankLine) == 5


@pytest.mark.parametrize("stated, ok", [("0071000123456", True), ("0071 000 123456", True), ("0071XXXX23456", True),
                                        ("0071***456", True), ("VN0071000123456", True), ("", True),
                                        ("9999888877", False), ("0072XXXX23456", False)])
def test_the_file_account_number_plain_or_masked(stated, ok):
    from types import SimpleNamespace

    from app.banking.accounts import BankError
    from app.banking.services import check_account

    account = SimpleNamespace(account_number=NUMBER)
    if ok:
        check_account(account, SimpleNamespace(account_number=stated))
    else:
        with pytest.raises(BankError):
            check_account(account, SimpleNamespace(account_number=stated))
