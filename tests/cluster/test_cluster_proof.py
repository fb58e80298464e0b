"""Cluster proof (issue 20 B): the deployment of deploy/ on one machine, each part its own process.

Caddy (HTTPS, when installed) and nginx in front of two web nodes, the print worker, Redis and a fresh
PostgreSQL database, every one started from deploy/ (tests/cluster/harness.py). Through the proxy,
clerks of two communes enter gifts (each form with its idempotency key; some submitted twice at once,
some sent again later) while web nodes are killed with kill -9 and started again as systemd would
(RestartSec). A client that gets no answer, or nginx's "interrupted" page, submits the same form
again. From the first kill on, across nodes (each node asked directly):
- a pupil list previewed on node 1 (as it is killed) is confirmed on node 2, and again on node 1;
- a year report queued on node 1, rendered by the worker, is downloaded from node 2;
then a report read on node 2 shows a gift just written on node 1 (no stale per-process cache).
Afterwards, in the database: every gift exactly once, receipt numbers gap-free, `flask books-check`
clean. Runs in the PostgreSQL pass only (TEST_DATABASE_URL), reduced in `make test`, full in `make prove`.
"""
from __future__ import annotations

import random
import re
import secrets
import threading
import time
from dataclasses import replace

import pytest

from tests.cluster import deploy, harness
from tests.cluster.client import Browser, Stats
from tests.proofs.report import report, size
from tests.reliability import books
from tests.reliability.harness import csrf_of, idem_of
from tests.reliability.scenario import donation_form

pytestmark = pytest.mark.slow

ENTRY = "/quyen-gop/nhap"
CLERKS_PER_COMMUNE = 4
PRINT = "/bao-cao/tong-ket/in"
YEAR = "2026"  # the gifts' date is in it (tests/reliability/scenario.donation_form)
SPOOFED = "203.0.113.7"  # an address the browsers claim (TEST-NET-3: nobody's)


@pytest.fixture
def cluster(tmp_path):
    why = harness.missing()
    if why:
        pytest.skip(f"cluster proof: {why}")
    c = harness.Cluster(tmp_path)
    try:
        c.start()
        yield c
    except Exception:
        print(c.logs())
        raise
    finally:
        c.stop()
        c.drop_database()


def seed(db_url: str, password: str) -> dict:
    """The province, two communes with an open campaign and clerks, and a province admin, through the
    app's services; the password is this run's own (nothing has a default password)."""
    from app import create_app
    from app.extensions import db
    from tests.conftest import BASE_CONFIG
    from tests.factories import make_unit, make_user
    from tests.factories_donations import make_campaign

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": db_url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        province = make_unit(None, "Hội Khuyến học tỉnh Cụm Máy", "province")
        clerks = []
        for c in range(2):
            commune = make_unit(province, f"Hội Khuyến học xã Cụm {c + 1}", "commune")
            campaign = make_campaign(commune, name=f"Tháng Khuyến học xã Cụm {c + 1}")
            clerks += [(make_user(commune, "clerk", username=f"cum{c + 1}_{k + 1}", password=password).username,
                        campaign.id) for k in range(CLERKS_PER_COMMUNE)]
        admin = make_user(province, "admin", username="cum_tinh", password=password).username
        out = {"province": province.id, "clerks": clerks, "admin": admin}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return out


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.answered: dict[str, int] = {}
        self.resent = self.doubled = 0


def enter_gifts(browser: Browser, campaign: int, jobs, tally: Tally, rng: random.Random) -> None:
    for marker, amount in jobs:
        page = browser.page(ENTRY)
        data = donation_form(campaign, idem_of(page.text), csrf_of(page.text), marker, amount)
        if rng.random() < 0.08:  # a double click: the same form twice at the same moment
            twin = threading.Thread(target=browser.post, args=(ENTRY, data), daemon=True)
            twin.start()
            answer = browser.post(ENTRY, data)
            twin.join(120)
            with tally.lock:
                tally.doubled += 1
        else:
            answer = browser.post(ENTRY, data)
        if answer.status != 303:
            with browser.stats.lock:
                browser.stats.unexpected.append(f"gift {marker}: {answer.status} {answer.text[:200]}")
        with tally.lock:
            tally.answered[marker] = answer.status
        if rng.random() < 0.15:  # back, and "Lưu" again: the same key
            again = browser.post(ENTRY, data)
            with tally.lock:
                tally.resent += 1
            if again.status != 303:
                browser.stats.unexpected.append(f"gift {marker} sent again: {again.status}")


def rollup_total(browser: Browser, province: int) -> int:
    """The province's roll-up (CSV), money raised on its "Tổng cộng" row."""
    answer = browser.page(f"/bao-cao/tong-hop.xlsx?format=csv&don_vi={province}&ky={YEAR}")
    assert answer.status == 200, answer.status
    for line in answer.text.splitlines():
        if line.lstrip("\ufeff").startswith("Tổng cộng"):
            return int(re.sub(r"\D", "", line.split(",")[1]) or 0)
    raise AssertionError(f"no total row in the roll-up:\n{answer.text[:500]}")


def pupils_xlsx(count: int) -> bytes:
    from app.core.xlsx import build_workbook
    from app.pupils.importing import HEADERS

    names = [f"{h} {d} {t}" for h in ("Nguyễn", "Trần", "Lê", "Phạm", "Võ") for d in ("Thị", "Văn", "Ngọc", "Minh", "Thanh")
             for t in ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Lan")]  # 200 different people
    rows = [[n + 1, names[n], "05/02/2013", "Nữ", "Kinh", "Trường THCS Cụm Máy", "7A1", "Ấp Tân Lộc", "Lê Văn Hùng",
             912000000 + n, "Hộ nghèo"] for n in range(count)]
    return build_workbook(HEADERS, rows)


def import_across(c: harness.Cluster, clerk: Browser, count: int) -> dict:
    """Preview on node 1, confirm on node 2, the same confirmation once more on node 1."""
    one, two = clerk.at(c.node_ports[0]), clerk.at(c.node_ports[1])
    form = one.page("/hoc-sinh/nhap-excel")
    preview = one.post_file("/hoc-sinh/nhap-excel", {"csrf_token": csrf_of(form.text), "school_year": "2026-2027"},
                            "file", "ds.xlsx", pupils_xlsx(count))
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', preview.text)
    key = re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"', preview.text, re.S)
    assert preview.status == 200 and token and key, (preview.status, preview.text[:500])
    fields = {"csrf_token": csrf_of(preview.text), "token": token.group(1), "idem_key": key.group(1)}
    confirmed = two.post("/hoc-sinh/nhap-excel/xac-nhan", fields)
    after_confirm = pupil_count(c.db_url)  # node 2 alone wrote these (node 1 has not been asked yet)
    repeated = one.post("/hoc-sinh/nhap-excel/xac-nhan", fields)
    return {"confirm": confirmed.status, "confirm_to": confirmed.location, "after_confirm": after_confirm,
            "repeat": repeated.status}


def one_row(db_url: str, sql: str, **params) -> tuple:
    """One row read straight from the cluster's database (this proof's own: all it holds is the proof's)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        row = tuple(conn.execute(text(sql), params).one())
    engine.dispose()
    return row


def pupil_count(db_url: str) -> tuple[int, int]:
    """Pupils, and different people among them."""
    return one_row(db_url, "SELECT count(*), count(DISTINCT (ho, dem, ten)) FROM pupil")


def print_across(c: harness.Cluster, admin: Browser, province: int) -> dict:
    """The year report queued on node 1, rendered by the worker, downloaded from node 2."""
    one, two = admin.at(c.node_ports[0]), admin.at(c.node_ports[1])
    page = one.page(f"/bao-cao/tong-ket?don_vi={province}&ky={YEAR}")
    queued = one.post(f"{PRINT}?don_vi={province}&ky={YEAR}", {"csrf_token": csrf_of(page.text)})
    match = re.search(r"/in-an/(\d+)", queued.location)
    assert queued.status == 303 and match, (queued.status, queued.location, queued.text[:300])
    began, answer = time.monotonic(), None
    while time.monotonic() - began < 90:
        answer = two.page(f"/in-an/{match.group(1)}/tai-ve")
        if answer.status == 200:
            break
        time.sleep(0.5)
    return {"status": answer.status, "pdf": answer.content[:5] == b"%PDF-", "bytes": len(answer.content),
            "seconds": time.monotonic() - began}


def cross_nodes(c: harness.Cluster, clerk: Browser, admin: Browser, province: int, pupils: int, out: dict) -> None:
    """The import, then the print, across nodes; what each answered and when it ran go to `out`."""
    try:
        for name, work in (("import", lambda: import_across(c, clerk, pupils)),
                           ("print", lambda: print_across(c, admin, province))):
            began = time.monotonic()
            out[name] = work()
            out[f"{name} span"] = (began, time.monotonic())
    except Exception as err:  # noqa: BLE001 - the proof reports it and fails
        out["error"] = repr(err)


def overlaps(span: tuple[float, float], windows: list[tuple[float, float]]) -> bool:
    """Whether `span` ran while a node was down (killed, not yet answering again)."""
    return any(span[0] < end and start < span[1] for start, end in windows)


def books_check(c: harness.Cluster) -> tuple[bool, str]:
    done = c.run_unit_once("sokhuyenhoc-worker.service", ["books-check", "--khong-luu"])
    return done.returncode == 0 and "Sổ sách khớp" in done.stdout, (done.stdout + done.stderr)[-1500:]


def test_cluster_behind_nginx_survives_kill_9_and_shares_everything_across_nodes(cluster):
    c = cluster
    gifts, kills = size(60, 400), size(1, 3)
    pupils = size(20, 200)
    password = secrets.token_urlsafe(12)
    world = seed(c.db_url, password)
    stats, tally, rng = Stats(), Tally(), random.Random(int(time.time()))
    # Through Caddy every browser claims another address: the audit log must keep the real one.
    front = replace(c.front, claims={"X-Forwarded-For": SPOOFED}) if c.front.tls else c.front
    clerks = [Browser(front, stats, name, password) for name, _ in world["clerks"]]
    admin = Browser(front, stats, world["admin"], password)

    # 1. Gifts through nginx while web nodes are killed with kill -9 and started again.
    markers = [(f"cl-{n:05d}", 10_000 + n) for n in range(gifts)]
    threads = [threading.Thread(target=enter_gifts, daemon=True,
                                args=(b, campaign, markers[i::len(clerks)], tally, random.Random(i)))
               for i, (b, (_, campaign)) in enumerate(zip(clerks, world["clerks"]))]
    points = sorted(rng.sample(range(max(1, gifts // 10), max(2, gifts * 9 // 10)), kills))
    downtimes, windows = [], []
    across: dict = {}
    # 2. and 3. meanwhile: an import previewed on node 1 and confirmed on node 2, then a print queued on
    # node 1, rendered by the worker, fetched on node 2 (a node that is down is waited for and asked again).
    crossing = threading.Thread(target=cross_nodes, daemon=True,
                                args=(c, Browser(c.front, stats, world["clerks"][1][0], password), admin,
                                      world["province"], pupils, across))
    started = time.monotonic()
    for t in threads:
        t.start()
    settle, restarted = deploy.nginx_fail_timeout(), 0.0
    for k, point in enumerate(points):
        while len(tally.answered) < point and any(t.is_alive() for t in threads):
            time.sleep(0.002)
        if downtimes:  # nginx tries a restarted node again only after fail_timeout: one node down at a time
            time.sleep(max(0.0, settle - (time.monotonic() - restarted)))
        if k == 0:  # the import's preview goes to node 1 as it is killed: it waits for it and asks again
            crossing.start()
        time.sleep(rng.random() * 0.05)  # within requests in flight
        node = k % 2
        proc = c.procs[f"web{node + 1}"]
        killed_at = time.monotonic()
        proc.kill9()
        time.sleep(proc.restart_sec)  # Restart=always, RestartSec= of the unit
        c.start_node(node)
        restarted = time.monotonic()
        downtimes.append(restarted - killed_at)
        windows.append((killed_at, restarted))
    for t in threads:
        t.join(300)
    gifts_seconds = time.monotonic() - started
    crossing.join(300)  # started at the first kill
    met_dead = c.upstream_failures()

    # 4. A write on node 1 is in the report read on node 2 (its cache warmed just before).
    two = admin.at(c.node_ports[1])
    before = rollup_total(two, world["province"])
    writer = clerks[0].at(c.node_ports[0])
    page = writer.page(ENTRY)
    probe = writer.post(ENTRY, donation_form(world["clerks"][0][1], idem_of(page.text), csrf_of(page.text),
                                             "probe-1", 777_000))
    after = rollup_total(two, world["province"])
    fresh = probe.status == 303 and after == before + 777_000

    imported = across.get("import") or {"confirm": None, "confirm_to": "", "after_confirm": (0, 0), "repeat": None}
    printed = across.get("print") or {"status": None, "pdf": False, "bytes": 0, "seconds": 0.0}
    overlapped = {name: overlaps(across.get(f"{name} span", (0, 0)), windows) for name in ("import", "print")}
    clean, books_out = books_check(c)
    notes, facts = books.donations_by_note(c.db_url, "cl-")
    pupil_rows, pupil_names = pupil_count(c.db_url)
    (print_jobs,) = one_row(c.db_url, "SELECT count(*) FROM print_job")  # a resent "In" may queue a second
    # Rows written in requests (the seed's have no address): (all, the claimed address, the real one).
    addresses = one_row(c.db_url, "SELECT count(*), count(*) FILTER (WHERE ip = :spoofed), count(*) FILTER "
                                  "(WHERE ip IN ('127.0.0.1', '::1')) FROM audit_log WHERE ip <> ''", spoofed=SPOOFED)
    # The nodes act as DATABASE_ROLE (the env file's skh_app), which the row policies bind.
    (policies,) = one_row(c.db_url, "SELECT count(*) FROM pg_policies WHERE schemaname = current_schema()")

    answered = {m for m, s in tally.answered.items() if s == 303}
    lost = sorted(m for m, _ in markers if notes.get(m, 0) == 0)
    twice = sorted(m for m, n in notes.items() if n > 1)
    imported_ok = (imported["confirm"] == 303 and imported["confirm_to"].endswith("/hoc-sinh/")
                   and imported["after_confirm"] == (pupils, pupils) and imported["repeat"] == 303
                   and pupil_rows == pupil_names == pupils)
    printed_ok = printed["status"] == 200 and printed["pdf"]
    numbers_ok = facts["duplicate_numbers"] == 0 and facts["gaps"] == 0 and facts["counters_out_of_step"] == 0
    # Audit rows written through the chain carry the real address, never the one the browser claimed.
    honest = addresses[1] == 0 and addresses[2] == addresses[0] > 0
    passed = ("error" not in across and honest and len(answered) == gifts and not lost and not twice
              and not stats.unexpected and numbers_ok and facts["without_entry"] == 0 and fresh and imported_ok
              and printed_ok and clean and len(downtimes) == kills)
    chain = "Caddy (HTTPS, tls internal) → " if c.front.tls else "(no Caddy: HTTP) "
    role = c.env.get("DATABASE_ROLE") or "the login role"
    figure = (f"{chain}nginx + 2 gunicorn nodes + print worker + Redis + PostgreSQL, each its own process from deploy/ "
              f"(up in {c.timings['cluster up']:.1f} s; nodes act as {role}, {policies} row policies); {gifts} gifts from {len(clerks)} clerks through nginx in "
              f"{gifts_seconds:.0f} s with {kills} kill -9 of a web node (back after "
              f"{', '.join(f'{d:.1f}' for d in downtimes)} s); {sum(stats.requests.values())} requests "
              f"({stats.requests['POST']} POST), p50 {stats.percentile(0.5):.0f} ms, p95 {stats.percentile(0.95):.0f} ms; "
              f"{sum(stats.retries.values())} resubmitted by the client ({stats.retries['502']} after nginx's 502, "
              f"{stats.retries['connection']} without an answer), nginx passed {met_dead['passed on']} "
              f"requests that met a dead node on to the other node and answered {met_dead['POST cut']} POSTs cut by a "
              f"kill with 502 "
              f"({met_dead['none live']} more while it counted both nodes down); "
              f"{tally.doubled} double clicks, {tally.resent} sent again with the same key; {len(answered)}/{gifts} "
              f"answered, {len(lost)} lost, {len(twice)} doubled, receipt numbers {facts['duplicate_numbers']} duplicate, "
              f"{facts['gaps']} gaps; report on node 2 {'saw' if fresh else 'did NOT see'} node 1's write; "
              f"import previewed on node 1, confirmed on node 2: {imported['after_confirm'][0]}/{pupils} "
              f"pupils written by node 2, {pupil_rows} after the same confirmation again on node 1"
              f"{' (while a node was down)' if overlapped['import'] else ''}; print queued on node 1, downloaded on node 2: "
              f"{'PDF ' + format(printed['bytes'], ',') + ' bytes' if printed_ok else 'HTTP ' + str(printed['status'])} "
              f"after {printed['seconds']:.1f} s{' (while a node was down)' if overlapped['print'] else ''}, "
              f"{print_jobs} print job(s) for 1 asked; audit rows with the address the browsers claimed through "
              f"the proxies: {addresses[1]} of {addresses[0]}; books-check {'clean' if clean else 'NOT clean'}")
    report("Cluster (Caddy, nginx, 2 nodes, kill -9)", figure, passed,
           target="0 lost, 0 doubled, every request answered or resubmitted, numbers gap-free, "
                  "import and print cross nodes, reports fresh across nodes, only real client addresses audited, "
                  "books-check clean")
    assert "error" not in across, across.get("error")
    assert not stats.unexpected, stats.unexpected[:5]
    assert honest, ("the audit log kept an address the client claimed", addresses)
    assert len(answered) == gifts and not lost and not twice, (len(answered), lost[:5], twice[:5])
    assert numbers_ok and facts["without_entry"] == 0, facts
    assert fresh, ("a report on node 2 did not show node 1's write", before, after, probe.status)
    assert imported_ok, (imported, pupil_rows, pupil_names)
    assert printed_ok, printed
    assert clean, books_out
    assert passed
