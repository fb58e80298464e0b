"""The audit log's filter offers every action and object type the app records (issue 16: the choices
were copied when the module was imported, before the domains registered theirs: 11 of 30 actions)."""
import re
from pathlib import Path

from app.extensions import db

APP = Path(__file__).resolve().parents[2] / "app"
# Tables no user action writes an audit row about: the log itself, counters, keys, caches, role rows
# (a role change is logged on its user_account).
NOT_AUDITED = {"audit_log", "books_check_run", "commendation_counter", "document_counter", "idempotency_key",
               "import_progress", "member_counter", "paper_key", "paper_lookup", "report_version", "user_role",
               "stored_blob",  # issue 20: finished PDFs and staged imports, written by the app itself
               "unit_merge_source"}  # issue 20 D: audited within its unit_merge's entries


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in APP.rglob("*.py"))


def _options(body: str, name: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', body, re.S).group(0)
    return set(re.findall(r'<option[^>]*value="([^"]*)"', select)) - {""}


def test_filter_offers_every_recorded_action_and_object_type(as_user, world):
    source = _source()
    actions = set(re.findall(r'record(?:_many)?\(\s*"([a-z_]+)"', source))
    objects = (set(re.findall(r'object_type="([a-z_]+)"', source))
               | set(re.findall(r'record_many\(\s*"[a-z_]+",\s*"([a-z_]+)"', source))
               | {m.class_.__tablename__ for m in db.Model.registry.mappers} - NOT_AUDITED)
    assert len(actions) >= 25 and len(objects) >= 25  # the scan itself found the app's calls
    body = as_user(world.users["admin"]).get("/nhat-ky/").get_data(as_text=True)
    offered_actions, offered_objects = _options(body, "action"), _options(body, "object_type")
    assert actions - offered_actions == set()
    assert objects - offered_objects == set()


def test_a_domain_action_filters_the_log(as_user, world):
    """A label registered by a domain (not the audit module's own) is offered and filters."""
    client = as_user(world.users["admin"])
    body = client.get("/nhat-ky/").get_data(as_text=True)
    assert 'value="void"' in body
    frag = client.get("/nhat-ky/?action=void", htmx=True)
    assert frag.status_code == 200 and "<html" not in frag.get_data(as_text=True)
