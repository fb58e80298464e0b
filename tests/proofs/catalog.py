"""Every state-changing route with a submission that works, read from the page that carries its form.

A `Submission` is what a real user would send: the form is parsed from the HTML the app serves
(so a field added to a template is covered without touching this file), filled like a person
would, and adjusted by the route's Spec (tests/proofs/specs.py) where a valid submission needs more
(an amount, a line of names, a fresh record to act on). The proofs then spoil one thing at a time
(the token, one id, one field) and check that the app refuses and writes nothing; the untouched
submission is the control that shows the spoiled one failed for the right reason.
"""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field

from tests.authz import merged_table
from tests.proofs import support as S
from tests.proofs.specs import DAY, SPECS, Spec, extend_world

ROLE_ORDER = ("treasurer", "admin", "clerk", "viewer")


# ---------------------------------------------------------------------------------------------
# Filling a form like a person would
# ---------------------------------------------------------------------------------------------

def default_for(f: S.Field) -> str:
    """A sensible value for an empty box the form requires."""
    name = f.name.lower()
    if f.type == "date" or name.endswith("_date") or name.endswith("_on"):
        return DAY
    if f.type == "number":
        return "2026" if "year" in name or name == "nam" else "1"
    if f.attrs.get("inputmode") == "numeric":
        return "200.000"
    if "phone" in name:
        return "0912345678"
    if "school_year" in name:
        return "2025-2026"
    if f.tag == "textarea":
        return "Nội dung ghi thử"
    return "Nguyễn Văn Thử"


def fill(form: S.Form) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for f in form.fields:
        if f.name == "csrf_token" or f.tag == "button" or f.type in ("file", "submit", "reset", "image"):
            continue
        if f.type in ("checkbox", "radio"):
            if f.checked:
                data.setdefault(f.name, []).append(f.value or "y")
            continue
        if f.tag == "select":
            values = [v for v, _ in f.options]
            value = f.selected[0] if f.selected else next((v for v in values if v not in ("", None)), "")
        else:
            value = f.value
        if f.name == "idem_key":
            value = uuid.uuid4().hex
        if not value and f.required:
            value = default_for(f)
        data.setdefault(f.name, []).append(value)
    return data


def apply(data: dict[str, list[str]], overrides: dict) -> dict[str, list[str]]:
    out = {k: list(v) for k, v in data.items()}
    for k, v in (overrides or {}).items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = list(v) if isinstance(v, (list, tuple)) else [str(v)]
    return out


# ---------------------------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------------------------

@dataclass
class Submission:
    endpoint: str
    role: str
    user: object
    url: str
    form: S.Form
    data: dict[str, list[str]]
    files: dict = field(default_factory=dict)
    spec: Spec = field(default_factory=Spec)
    url_args: dict = field(default_factory=dict)

    def payload(self, overrides: dict | None = None, files: bool = True) -> list[tuple]:
        data = apply(self.data, overrides or {})
        if "idem_key" in data and "idem_key" not in (overrides or {}):
            data["idem_key"] = [uuid.uuid4().hex]
        pairs = [(k, v) for k, vs in data.items() for v in vs]
        if files:
            pairs += [(k, (io.BytesIO(content), name)) for k, (content, name) in self.files.items()]
        return pairs

    def post(self, client, overrides: dict | None = None, url: str | None = None, **kw):
        from werkzeug.datastructures import MultiDict

        pairs = self.payload(overrides, files="files" not in kw)
        extra = kw.pop("files", None)
        if extra:
            pairs += [(k, (io.BytesIO(content), name)) for k, (content, name) in extra.items()]
        multipart = any(isinstance(v, tuple) for _, v in pairs)
        return client.post(url or self.url, data=MultiDict(pairs),
                           content_type="multipart/form-data" if multipart else None, **kw)

    def again(self, world) -> "Submission":
        """The same submission with the route's own values made afresh (a unique number or name: a
        second control must not trip over the first one's record)."""
        data = apply(fill(self.form), self.spec.data(world, self.form) if self.spec.data else {})
        return Submission(self.endpoint, self.role, self.user, self.url, self.form, data, self.files, self.spec,
                          self.url_args)

    def worked(self, resp, changed: list[str]) -> bool:
        if self.spec.ok is not None:
            return self.spec.ok(resp, changed)
        return S.is_success(resp) and bool(changed)

    @property
    def text_fields(self) -> list[S.Field]:
        seen, out = set(), []
        for f in self.form.fields:
            if f.is_text and f.name not in seen and f.name in self.data:
                seen.add(f.name)
                out.append(f)
        return out


class Catalog:
    """Builds submissions for one app and world; keeps one logged-in client per user."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.table = merged_table()
        self._clients = {}
        extend_world(world)

    def user_for(self, endpoint: str):
        spec = SPECS.get(endpoint, Spec())
        role = spec.role
        if callable(role):
            return "special", role(self.world)
        if role == "anon":
            return "anon", None
        if role is None:
            rule = self.table.get(endpoint)
            allowed = rule.roles if rule is not None else frozenset()
            role = next((r for r in ROLE_ORDER if r in allowed), "admin")
        return role, self.world.users[role]

    def client(self, user):
        if user is None:
            return self.app.test_client()  # nobody: a fresh client each time (a control logs it in)
        key = getattr(user, "id", None)
        if key not in self._clients:
            self._clients[key] = S.client_for(self.app, user)
        return self._clients[key]

    def methods(self, endpoint):
        return {m for r in self.app.url_map.iter_rules(endpoint) for m in r.methods}

    def url_args(self, endpoint: str) -> dict:
        spec = SPECS.get(endpoint, Spec())
        if spec.args is not None:
            return spec.args(self.world)
        rule = self.table.get(endpoint)
        if rule is None:
            return {}
        args = rule.args(self.world, True) if rule.args else {}
        query = rule.query(self.world, True) if rule.query else {}
        return {**args, **query}

    def submission(self, endpoint: str) -> Submission:
        spec = SPECS.get(endpoint, Spec())
        role, user = self.user_for(endpoint)
        client = self.client(user)
        args = self.last_args = self.url_args(endpoint)
        post_url = S.url(self.app, endpoint, **args)
        if spec.page is not None:
            html = spec.page(self, client, self.world)
        else:
            if spec.host:
                host_args = spec.host_args(self.world) if spec.host_args else {}
                page_url = S.url(self.app, spec.host, **host_args)
            elif "GET" in self.methods(endpoint):
                page_url = post_url
            else:
                page_url = self._host_page(client, endpoint, args)
            if page_url is None:
                # A confirmation-only POST whose button shows only in some states (a long list
                # printed in the background): send what such a form holds, its token.
                html = f'<form method="post" action="{post_url}"></form>'
            else:
                resp = client.get(page_url)
                assert resp.status_code == 200, (endpoint, page_url, resp.status_code)
                html = resp.get_data(as_text=True)
        form = self._form(html, endpoint, args, post_url)
        if spec.page is not None or spec.host:
            post_url = form.action or post_url
        data = apply(fill(form), spec.data(self.world, form) if spec.data else {})
        files = spec.files(self.world) if spec.files else {}
        return Submission(endpoint, role, user, post_url, form, data, files, spec, args)

    def _host_page(self, client, endpoint: str, args: dict) -> str | None:
        """A page of the same blueprint, reachable with the same arguments, that holds a form posting here."""
        blueprint = endpoint.split(".")[0] + "."
        for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: r.endpoint):
            if (not rule.endpoint.startswith(blueprint) or "GET" not in rule.methods
                    or not set(rule.arguments) <= set(args)):
                continue
            page = S.url(self.app, rule.endpoint, **{k: args[k] for k in rule.arguments})
            resp = client.get(page)
            if resp.status_code == 200 and S.is_html(resp) and any(
                    S.match(self.app, f.action)[0] == endpoint for f in S.forms_of(resp.get_data(as_text=True))):
                return page
        return None

    def _form(self, html: str, endpoint: str, args: dict, post_url: str) -> S.Form:
        candidates = [f for f in S.forms_of(html)
                      if f.method == "post" and S.match(self.app, f.action or post_url)[0] == endpoint]
        if not candidates:
            raise AssertionError(f"{endpoint}: no form posting to it on its page: add a Spec with host/page")
        wanted = {k: v for k, v in args.items() if isinstance(v, int)}
        for f in candidates:
            _, view_args = S.match(self.app, f.action or post_url)
            if all(view_args.get(k) == v for k, v in wanted.items() if k in view_args):
                return f
        return candidates[0]


def ordered(endpoints: list[str]) -> list[str]:
    """Routes whose control changes shared records (logout, password) go last."""
    return sorted(endpoints, key=lambda e: (SPECS.get(e, Spec()).late, e))
