"""The queue of bank lines and the treasurer's decisions: post as transfer gifts, link, set aside, reopen."""
import io
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from app.banking.codes import drive_code
from app.banking.models import IGNORED, LINKED, POSTED, WAITING, BankLine
from app.banking.statements import sample_statement
from app.donations.models import Donation
from app.donations.services import void_donation
from app.extensions import db
from tests.factories_banking import make_account
from tests.factories_donations import make_campaign, make_donation

DAY = date(2026, 9, 10)
NUMBER = "0071000123456"


@pytest.fixture
def book(world, as_user):
    account = make_account(world.commune, number=NUMBER)
    a = make_campaign(world.commune, "Tháng Khuyến học 2026")
    b = make_campaign(world.commune, "Học bổng Tết")
    typed = make_donation(a, 700_000, day=date(2026, 9, 9), method="transfer")
    client = as_user(world.users["treasurer"])
    return account, a, b, typed, client


def imported(client, account, lines):
    data = sample_statement("vcb", lines, account_number=NUMBER)
    resp = client.post(f"/ngan-hang/{account.id}/sao-ke", data={"file": (io.BytesIO(data), "sk.xlsx"), "layout": ""},
                       content_type="multipart/form-data")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    saved = client.post(resp.headers["Location"] + "/luu", data={"idem_key": uuid.uuid4().hex})
    assert saved.status_code == 303
    return {x.reference: x for x in db.session.scalars(select(BankLine))}


def standard(a, b):
    return [(DAY, 500_000, "in", f"MBVCB.4530998360.029552.NGUYEN VAN AN chuyen tien.{drive_code(a)}", "FT1"),
            (DAY, 200_000, "in", f"TRAN THI BICH chuyen tien {drive_code(a)} {drive_code(b)}", "FT2"),
            (DAY, 700_000, "in", "LE VAN CUONG chuyen tien ung ho", "FT3"),
            (DAY, 123_000, "in", "PHAM VAN DUNG chuyen tien", "FT4"),
            (DAY, 11_000, "out", "Phi dich vu SMS", "FT5")]


def queue_url(account, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/ngan-hang/{account.id}/giao-dich" + (f"?{query}" if query else "")


def post(client, account, action="post", ids=(), key=None, path="ghi", **fields):
    data = {"idem_key": key or uuid.uuid4().hex, "action": action, "ids": [str(i) for i in ids], **fields}
    return client.post(f"/ngan-hang/{account.id}/giao-dich/{path}", data=data)


def receipts():
    return [d.entry.number for d in db.session.scalars(select(Donation).order_by(Donation.id))]


def test_queue_lists_waiting_lines_with_their_suggestions(book):
    account, a, b, typed, client = book
    imported(client, account, standard(a, b))
    html = client.get(queue_url(account)).get_data(as_text=True)
    assert html.count('name="ids"') == 5 and "Tháng Khuyến học 2026" in html and typed.entry.number in html
    assert 'value="Nguyen Van An"' in html  # the payer's name, editable
    matched = client.get(queue_url(account, khop="matched")).get_data(as_text=True)
    assert matched.count('name="ids"') == 2  # the code line and the line matching the typed gift
    found = client.get(queue_url(account, q="lê van cuong")).get_data(as_text=True)  # diacritics don't matter
    assert found.count('name="ids"') == 1 and "LE VAN CUONG" in found
    fragment = client.get(queue_url(account), htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and 'id="results"' in fragment
    # "Ghi tất cả" is in the first screen; Enter in a name box (the form's first button) posts only ticked lines.
    form = html[html.index('id="lines-form"'):]
    buttons = re.findall(r'<button type="submit" name="action" value="(\w+)"', form)
    assert buttons[:2] == ["post", "post_matched"] and form.index("post_matched") < form.index("<table")


def test_post_picked_line_creates_a_numbered_transfer_gift_with_the_edited_name(book):
    account, a, b, typed, client = book
    lines = imported(client, account, standard(a, b))
    line = lines["FT1"]
    resp = post(client, account, ids=[line.id], **{f"name-{line.id}": "Nguyễn Văn Ân", f"campaign-{line.id}": a.id})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    db.session.refresh(line)
    gift = line.donation
    assert line.status == POSTED and gift.method == "transfer" and gift.amount == 500_000
    assert gift.donor.name == "Nguyễn Văn Ân" and gift.campaign_id == a.id and gift.donation_date == DAY
    assert "mã GD FT1" in gift.note and drive_code(a) in gift.note
    assert receipts() == ["PT-2026-0001", "PT-2026-0002"]


def test_a_line_posts_once(book):
    account, a, b, typed, client = book
    line = imported(client, account, standard(a, b))["FT1"]
    key = uuid.uuid4().hex
    first = post(client, account, ids=[line.id], key=key)
    second = post(client, account, ids=[line.id], key=key)  # the same submit again
    assert first.status_code == second.status_code == 303 and first.headers["Location"] == second.headers["Location"]
    third = post(client, account, ids=[line.id])  # a stale page, a new key
    assert third.status_code == 422 and "đã được xử lý" in third.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Donation)) == 2


def test_post_all_matched_across_pages_gap_free(book):
    account, a, b, typed, client = book
    many = [(DAY, 100_000 + i, "in", f"NGUYEN VAN {chr(65 + i % 26)} ck {drive_code(a if i % 2 else b)}", f"FT{i}")
            for i in range(60)] + standard(a, b)[2:]
    imported(client, account, many)
    page = client.get(queue_url(account)).get_data(as_text=True)
    assert "Ghi tất cả các dòng đã khớp (60)" in page and page.count('name="ids"') == 50
    resp = post(client, account, action="post_matched")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    statuses = [x.status for x in db.session.scalars(select(BankLine).order_by(BankLine.id))]
    assert statuses.count(POSTED) == 60 and statuses.count(WAITING) == 3
    numbers = sorted(receipts())
    assert numbers == [f"PT-2026-{n:04d}" for n in range(1, 62)]


def test_link_to_the_typed_gift_and_outgoing_lines_never_post(book):
    account, a, b, typed, client = book
    lines = imported(client, account, standard(a, b))
    out = post(client, account, ids=[lines["FT5"].id])
    assert out.status_code == 422 and "tiền ra" in out.get_data(as_text=True)
    resp = post(client, account, action="link", ids=[lines["FT3"].id])
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    line = db.session.get(BankLine, lines["FT3"].id)
    assert line.status == LINKED and line.entry_id == typed.entry_id
    nothing = post(client, account, action="link", ids=[lines["FT4"].id])
    assert nothing.status_code == 422


def test_ignore_needs_a_reason_and_reopen_brings_it_back(book):
    account, a, b, typed, client = book
    line = imported(client, account, standard(a, b))["FT5"]
    refused = post(client, account, path="bo-qua", ids=[line.id], reason="")
    assert refused.status_code == 422 and "lý do" in refused.get_data(as_text=True)
    assert post(client, account, path="bo-qua", ids=[line.id], reason="Phí ngân hàng").status_code == 303
    db.session.refresh(line)
    assert (line.status, line.reason) == (IGNORED, "Phí ngân hàng")
    listed = client.get(queue_url(account, trang_thai="ignored")).get_data(as_text=True)
    assert "Đưa về chờ xử lý" in listed
    assert client.post(f"/ngan-hang/{account.id}/giao-dich/{line.id}/mo-lai").status_code == 303
    db.session.refresh(line)
    assert (line.status, line.reason) == (WAITING, "")


def test_a_refusal_shows_when_no_waiting_line_is_left(book):
    """Another treasurer decided the lines meanwhile: the bulk form is gone, its refusal still shows."""
    account, a, b, typed, client = book
    lines = imported(client, account, standard(a, b))
    assert post(client, account, path="bo-qua", ids=[x.id for x in lines.values()], reason="Đã xử lý").status_code == 303
    refused = post(client, account, path="bo-qua", ids=[lines["FT5"].id], reason="x" * 301)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="lines-form"' not in html
    assert "300 ký tự" in html


def test_a_line_whose_gift_was_voided_can_be_posted_again(book):
    account, a, b, typed, client = book
    line = imported(client, account, standard(a, b))["FT1"]
    post(client, account, ids=[line.id])
    db.session.refresh(line)
    refused = client.post(f"/ngan-hang/{account.id}/giao-dich/{line.id}/mo-lai")
    assert refused.status_code == 303 and db.session.get(BankLine, line.id).status == POSTED
    void_donation(line.donation, "Ghi nhầm đợt")
    db.session.commit()
    assert client.post(f"/ngan-hang/{account.id}/giao-dich/{line.id}/mo-lai", htmx=True).headers.get("HX-Redirect")
    assert post(client, account, ids=[line.id], **{f"campaign-{line.id}": b.id}).status_code == 303
    db.session.refresh(line)
    assert line.status == POSTED and line.donation.campaign_id == b.id


def test_roles_and_scope(book, world, as_user):
    account, a, b, typed, client = book
    line = imported(client, account, standard(a, b))["FT1"]
    client.post("/dang-xuat")
    for role in ("clerk", "viewer", "admin"):
        other = as_user(world.users[role])
        assert other.get(queue_url(account)).status_code == 200
        for path in ("ghi", "bo-qua"):
            assert post(other, account, path=path, ids=[line.id], reason="x").status_code == 403
        assert other.post(f"/ngan-hang/{account.id}/giao-dich/{line.id}/mo-lai").status_code == 403
        other.post("/dang-xuat")
    stranger = as_user(world.other_user)
    assert stranger.get(queue_url(account)).status_code == 404
    assert db.session.get(BankLine, line.id).status == WAITING


def test_posts_answer_htmx_with_a_redirect(book):
    account, a, b, typed, client = book
    lines = imported(client, account, standard(a, b))
    resp = client.post(f"/ngan-hang/{account.id}/giao-dich/ghi", htmx=True,
                       data={"idem_key": uuid.uuid4().hex, "action": "post", "ids": [str(lines["FT1"].id)],
                             "f.khop": "matched"})
    assert resp.status_code == 200 and "khop=matched" in resp.headers["HX-Redirect"]
    refused = client.post(f"/ngan-hang/{account.id}/giao-dich/bo-qua", htmx=True,
                          data={"idem_key": uuid.uuid4().hex, "ids": [str(lines["FT4"].id)], "reason": ""})
    assert refused.status_code == 422 and "<html" not in refused.get_data(as_text=True)


def test_a_posting_that_ran_out_of_time_goes_on_with_the_same_key(book, app):
    account, a, b, typed, client = book
    imported(client, account, [(DAY, 100_000 + i, "in", f"NGUYEN VAN AN ck {drive_code(a)}", f"FT{i}")
                               for i in range(6)])
    app.config.update(IMPORT_BATCH_ROWS=2, IMPORT_REQUEST_BUDGET=0, IMPORT_BATCH_PAUSE=0)
    key = uuid.uuid4().hex
    first = post(client, account, action="post_matched", key=key)
    assert first.status_code == 422 and "Đã ghi 2/6" in first.get_data(as_text=True)
    answers = [post(client, account, action="post_matched", key=key).status_code for _ in range(2)]
    assert answers == [422, 303]
    assert [x.status for x in db.session.scalars(select(BankLine))] == [POSTED] * 6
    assert sorted(receipts()) == [f"PT-2026-{n:04d}" for n in range(1, 8)]
    assert post(client, account, action="post_matched", key=key).status_code == 303  # replayed, nothing new
    assert db.session.scalar(select(func.count()).select_from(Donation)) == 7


def test_a_donor_code_posts_to_that_donor_unless_renamed(book):
    from app.banking.codes import donor_code
    from tests.factories_donations import make_donor

    account, a, b, typed, client = book
    donor = make_donor(world_unit(a), "Võ Thị Hạnh", address="Ấp Mỹ Lợi")
    lines = imported(client, account, [(DAY, 300_000, "in", f"VO THI HANH ck {donor_code(a, donor)}", "FT1"),
                                       (DAY, 400_000, "in", f"ck {donor_code(a, donor)}", "FT2")])
    page = client.get(queue_url(account)).get_data(as_text=True)
    assert page.count('value="Võ Thị Hạnh"') == 2
    first, second = lines["FT1"], lines["FT2"]
    assert post(client, account, ids=[first.id, second.id], **{f"name-{second.id}": "Công ty Hạnh Phúc"}).status_code \
        == 303
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.donation.donor_id == donor.id and first.donation.donor.address == "Ấp Mỹ Lợi"
    assert second.donation.donor.name == "Công ty Hạnh Phúc"


def world_unit(campaign):
    return campaign.unit
