"""The public verification page as people use it: no login, JavaScript on or off, a typed or scanned
code; forged and altered codes answer exactly like a missing paper (same page, status and SQL);
lookups are counted and limited, never written to the audit log; answers are not stored nor indexed."""
import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.funds import services as funds
from app.papers import codes, tally
from app.papers.models import FORGED, PaperLookup
from tests.factories_funds import give, pay
from tests.papers.helpers import flip, text_of
from tests.perf.test_query_counts import StatementCounter


@pytest.fixture(autouse=True)
def _count_at_once(app):
    app.config["PAPER_LOOKUP_FLUSH_SECONDS"] = 0  # every lookup writes its count (the default: every 5 s)


@pytest.fixture
def receipt(world):
    return give(funds.default_fund(world.commune), 1_250_000, counterparty="Nguyễn Thị Ngọc Ánh")


def _code(entry, kind="receipt"):
    return codes.code_for(kind, entry.id)


def _private(resp):
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Robots-Tag"] == "noindex"


def test_the_form_opens_without_login_with_a_visible_label_and_where_the_code_is(client):
    resp = client.get("/xac-minh")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and '<label for="ma">Mã xác minh</label>' in html
    assert 'method="get" action="/xac-minh"' in html and "cạnh mã QR" in html
    assert "Đăng xuất" not in html and "<h1>Xác minh giấy tờ</h1>" in html
    _private(resp)


def test_with_javascript_off_a_typed_code_goes_to_its_answer(client, receipt):
    code = _code(receipt)
    typed = " ".join([code[:5], code[6:11], code[12:]]).lower()  # as read out over the phone
    resp = client.get("/xac-minh", query_string={"ma": typed})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/xac-minh/{code}")
    _private(resp)
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200 and "Còn hiệu lực" in text_of(page.get_data(as_text=True))
    # The answer offers the form again, filled in, to try another.
    assert f'value="{code}"' in page.get_data(as_text=True) and "Xác minh mã khác" in page.get_data(as_text=True)


def test_text_that_cannot_be_a_code_stays_on_the_form_with_the_message_beside_the_field(client):
    resp = client.get("/xac-minh", query_string={"ma": "mã của tôi"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'value="mã của tôi"' in html
    assert re.search(r'<p class="error" id="ma-err">Mã xác minh gồm 15 chữ và số', html)
    assert 'aria-invalid="true"' in html


def test_an_address_typed_loosely_lands_on_the_printed_form(client, receipt):
    code = _code(receipt)
    resp = client.get(f"/xac-minh/{code.replace('-', '').lower()}")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/xac-minh/{code}")


def _not_found(client, code):
    resp = client.get(f"/xac-minh/{code}")
    _private(resp)
    return resp.status_code, text_of(resp.get_data(as_text=True)).replace(code, "<mã>")


def test_forged_altered_and_other_kind_codes_answer_exactly_like_a_missing_paper(client, world, receipt):
    code = _code(receipt)
    assert client.get(f"/xac-minh/{code}").status_code == 200  # control: the genuine code is found
    missing = _not_found(client, codes.code_for("receipt", 10 ** 9))
    assert missing[0] == 404 and "Không tìm thấy giấy tờ có mã này" in missing[1]
    payment = pay(receipt.fund, 100_000)
    for other in [flip(code, 0), flip(code, 8), flip(code, 16), "ZZZZZ-ZZZZZ-ZZZZZ", "00000-00000-00000",
                  _code(receipt, "voucher"), _code(payment, "receipt"), _code(receipt, "certificate"),
                  "abc", "x" * 200]:
        assert _not_found(client, other) == missing, other


def test_the_htmx_form_gets_the_fragment_found_or_not(client, receipt):
    code = _code(receipt)
    for path in (f"/xac-minh/{code}", f"/xac-minh/{flip(code)}"):
        resp = client.get(path, htmx=True)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and "<html" not in html and html.lstrip().startswith('<section id="verify"')
        assert "HX-Request" in resp.headers["Vary"]
        _private(resp)
    assert "Còn hiệu lực" in client.get(f"/xac-minh/{code}", htmx=True).get_data(as_text=True)
    assert "Không tìm thấy" in client.get(f"/xac-minh/{flip(code)}", htmx=True).get_data(as_text=True)
    bad = client.get("/xac-minh?ma=12", htmx=True)
    assert bad.status_code == 422 and "<html" not in bad.get_data(as_text=True)
    form = client.get("/xac-minh").get_data(as_text=True)
    assert 'hx-get="/xac-minh" hx-target="#verify" hx-push-url="true"' in form


def _audit_rows():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def _counts():
    return {(r.kind, r.found): r.count for r in db.session.scalars(select(PaperLookup))}


def test_lookups_are_counted_found_or_not_and_never_written_to_the_audit_log(client, world, receipt):
    before = _audit_rows()
    give(receipt.fund, 10_000)  # positive control: a change of data writes the audit log
    assert _audit_rows() == before + 1
    before = _audit_rows()
    code = _code(receipt)
    for _ in range(3):
        client.get(f"/xac-minh/{code}")
    client.get(f"/xac-minh/{flip(code)}")
    client.get(f"/xac-minh/{codes.code_for('voucher', 10 ** 9)}")
    db.session.commit()
    assert _audit_rows() == before
    assert _counts() == {("receipt", True): 3, (FORGED, False): 1, ("voucher", False): 1}


def test_a_failing_counter_never_costs_the_reader_the_answer(client, receipt, monkeypatch):
    def broken(rows):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(tally, "_upsert", broken)
    resp = client.get(f"/xac-minh/{_code(receipt)}")
    assert resp.status_code == 200 and "Còn hiệu lực" in resp.get_data(as_text=True)
    assert tally.tally(client.application).pending == 1  # kept, written by a later lookup
    monkeypatch.undo()
    client.get(f"/xac-minh/{_code(receipt)}")
    db.session.commit()
    assert _counts() == {("receipt", True): 2}


def test_by_default_counts_are_written_at_most_every_few_seconds(app, client, receipt):
    app.config.pop("PAPER_LOOKUP_FLUSH_SECONDS")
    now = [1000.0]
    tally.tally(app).clock = lambda: now[0]
    code = _code(receipt)
    client.get(f"/xac-minh/{code}")  # the first lookup writes at once
    client.get(f"/xac-minh/{code}")
    client.get(f"/xac-minh/{flip(code)}")
    db.session.commit()
    assert _counts() == {("receipt", True): 1} and tally.tally(app).pending == 2
    now[0] += tally.FLUSH_SECONDS
    client.get(f"/xac-minh/{code}")
    db.session.commit()
    assert _counts() == {("receipt", True): 3, (FORGED, False): 1} and tally.tally(app).pending == 0


def test_a_forged_code_runs_the_same_statements_as_a_missing_paper(client, world, receipt):
    """Equal timing, deterministically: the SQL a forged code sends is the SQL some genuine code of a
    missing paper sends (the decoy lookup), statement for statement."""
    def statements(path):
        with StatementCounter(db.engine) as counter:
            assert client.get(path).status_code == 404
        return tuple(counter.statements)

    client.get(f"/xac-minh/{_code(receipt)}")  # warm: the codes' key is read once per app
    missing = {statements(f"/xac-minh/{codes.code_for(kind, 10 ** 9 + 7)}") for kind in codes.KINDS}
    assert len(missing) > 1  # the kinds do differ (control)
    for n in range(12):
        forged = flip(_code(receipt), n % 15 + (n % 15) // 5)  # skip the dashes
        got = statements(f"/xac-minh/{forged}")
        assert got in missing and any("SELECT" in s for s in got)


def test_the_rate_limit_answers_429_in_vietnamese_per_address(app, client, receipt):
    from app.extensions import limiter

    app.config.update(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute")
    limiter.init_app(app)  # re-read the flag; fresh in-memory counters
    try:
        code = _code(receipt)
        here = {"REMOTE_ADDR": "203.0.113.7"}
        got = [client.get(f"/xac-minh/{code}", environ_base=here).status_code for _ in range(4)]
        assert got == [200, 200, 200, 429]
        refused = client.get(f"/xac-minh/{flip(code)}", environ_base=here)
        assert refused.status_code == 429 and "Thử quá nhiều lần" in refused.get_data(as_text=True)
        _private(refused)
        assert client.get(f"/xac-minh/{code}", environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code == 200
        db.session.commit()
        assert _counts()[("receipt", True)] == 4  # refused requests are not lookups
    finally:
        app.config["RATELIMIT_ENABLED"] = False
        limiter.init_app(app)


def test_the_page_fits_a_phone_and_names_no_script_of_its_own(client, receipt):
    html = client.get(f"/xac-minh/{_code(receipt)}").get_data(as_text=True)
    section = re.search(r'<section id="verify".*?</section>', html, re.S).group(0)
    assert "<script" not in section and "style=" not in section
    css = client.get(re.search(r'href="(/static/css/papers.css[^"]*)"', section).group(1))
    assert css.status_code == 200
    assert not re.search(r"width:\s*\d{3,}px", css.get_data(as_text=True))  # nothing wider than a phone
