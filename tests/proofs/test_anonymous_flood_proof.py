"""Proof: a flood of anonymous requests writes nothing to the database, audit log included
(issue 15, finding 6: 1,000 anonymous 404s wrote 1,013 audit rows, each a write transaction).

The flood mixes what a scanner sends: unknown paths, every protected page (sent to the login page),
every POST route without its CSRF token (400; the bank feed's webhook, exempt, without its signature: 401), a route's wrong method (405), the public pages and
the login form. Every row of every table is dumped before and after, and the audit log is counted
separately (the dump leaves refusal rows aside). Control: one signed-in refusal afterwards is
recorded, so the 0 comes from the rule, not from an audit log that records nothing.
"""
import re

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.proofs import support as S
from tests.proofs.report import report, size

ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
UNKNOWN = ["/wp-login.php", "/.env", "/admin/config.php", "/khong-co-trang-nay", "/cong-khai/999999",
           "/cong-khai/1/1999", "/quy/999999", "/static/khong-co.js", "/%2e%2e/%2e%2e/etc/passwd",
           "/api/v1/users", "/nhat-ky/khong-co", "/dang-nhap/../../x"]


def _fill(rule) -> str:
    return ARG.sub(lambda m: "1" if m.group(1) == "int" else "x", rule.rule)


def _flood(app) -> list[tuple[str, str]]:
    """(method, url) of each kind of anonymous request, in an order that mixes the kinds."""
    protected, posts, wrong_method = [], [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = _fill(rule)
        if "GET" in rule.methods:
            protected.append(("GET", url))
        if "POST" in rule.methods:
            posts.append(("POST", url))
        else:
            wrong_method.append(("POST", url))
        wrong_method.append(("PUT", url))
    public = [("GET", "/dang-nhap"), ("GET", "/cong-khai/1"), ("GET", "/cong-khai/1/2025"),
              ("GET", "/cong-khai/1/2025.pdf")]
    kinds = [[("GET", u) for u in UNKNOWN], protected, posts, wrong_method, public]
    out = []
    for i in range(max(len(k) for k in kinds)):
        out += [k[i % len(k)] for k in kinds]
    return out


def _audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_anonymous_floods_write_no_audit_row(app, world):
    S.keep_loaded()
    errors = S.catch_500s(app)
    mix = _flood(app)
    total = size(200, 1000)
    client = app.test_client()
    before, audit_before = S.dump(), _audit_rows()
    statuses: dict[int, int] = {}
    for i in range(total):
        method, url = mix[i % len(mix)]
        status = client.open(url, method=method, csrf=False).status_code
        statuses[status] = statuses.get(status, 0) + 1
    written = _audit_rows() - audit_before
    changed = S.diff(before, S.dump())
    # Control: a signed-in user's refusal is still recorded.
    S.client_for(app, world.users["viewer"]).get("/khong-co-trang-nay")
    control = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "refused", AuditEntry.username == "viewer_a"))

    kinds_seen = {400, 404, 405} <= set(statuses) and any(s in statuses for s in (302, 303))
    passed = written == 0 and not changed and not errors and control == 1 and kinds_seen
    shown = ", ".join(f"{n}×{s}" for s, n in sorted(statuses.items()))
    report(f"Anonymous floods ({S.db_label()})",
           f"{total:,} anonymous requests, {written} audit rows written ({shown}; "
           f"{len(changed)} other tables changed, {len(errors)} errors; signed-in control recorded: {control})",
           passed, "0 audit rows, nothing else written, no 500")
    assert not errors, errors[:10]
    assert written == 0 and not changed, (written, changed[:10])
    assert kinds_seen, statuses
    assert control == 1
