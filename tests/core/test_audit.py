"""The audit log: written with every change, readable by admins and auditors, never rewritten."""
import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEntry
from app.extensions import db


def test_changes_and_refusals_are_logged_with_request_id(as_user, world):
    client = as_user(world.users["admin"])
    resp = client.post(f"/don-vi/{world.branch.id}/sua", data={"name": "Chi hội ấp Tân Lộc mới",
                                                               "kind": "village", "address": ""},
                       headers={"X-Request-ID": "req-12345678"})
    assert resp.status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
    assert entry.before["name"] == "Chi hội ấp Tân Lộc" and entry.after["name"] == "Chi hội ấp Tân Lộc mới"
    assert entry.request_id == "req-12345678" and entry.unit_id == world.branch.id
    client.get(f"/don-vi/{world.other_branch.id}")
    refused = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "refused"))
    assert refused.after["status"] == 404 and refused.username == "admin_a"


def test_viewer_reads_log_of_own_scope_only_and_filters(as_user, world):
    from tests.factories import make_unit

    make_unit(world.other_commune, "Chi hội ngoài phạm vi", "village")
    make_unit(world.commune, "Chi hội trong phạm vi", "village")
    client = as_user(world.users["viewer"])
    body = client.get("/nhat-ky/").get_data(as_text=True)
    assert "Chi hội trong phạm vi" in body and "Chi hội ngoài phạm vi" not in body
    frag = client.get("/nhat-ky/?action=login", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "Đăng nhập" in frag and "Tạo mới" not in frag


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
def test_database_refuses_to_rewrite_the_audit_log(app, world, statement):
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) > 0
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
