"""The service boundary of a quick donation entry (issue 16, finding 6): the form stops in the view.

The write path (services.record_gift and everything below it) takes a services.Gift of plain values,
built in one place (DonationForm.gift()); no function outside the view module, core.views.attempt and
the form's own validators is handed the WTForms object. With -s it prints the measure: which app
modules the view runs code in, and which functions are handed the form:

    .venv/bin/python -m pytest tests/donations/test_entry_boundary.py -q -s -p no:xdist
"""
import sys

from wtforms import Form

from tests.donations.test_entry import _data, _form
from tests.factories_donations import make_campaign


FORM_KIT = ("app.core.forms", "app.core.fields", "app.core.wtforms_vi")  # a form's own validators
# Where the write path starts: entry.save_one(form) before issue 16, services.record_gift(campaign, gift) after.
WRITE_PATH = {("app.donations.entry", "save_one"), ("app.donations.services", "record_gift")}
MAY_HOLD_THE_FORM = ("app.donations.routes.gifts.", "app.core.views.attempt",
                     "app.core.idempotency._valid_key")  # the view, attempt(), the idem_key validator


def test_trace_quick_entry(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, "/quyen-gop/nhap")
    ran, got_form, inside, writing, written = set(), set(), [], [], set()

    def prof(frame, event, arg):
        name = frame.f_globals.get("__name__", "")
        is_view = frame.f_code.co_name == "entry" and name.startswith("app.donations.routes")
        is_write = (name, frame.f_code.co_name) in WRITE_PATH
        if event == "return" and is_view:
            inside.pop()
        if event == "return" and is_write:
            writing.pop()
        if event != "call" or not name.startswith("app."):
            return
        if is_view:
            inside.append(frame)
        if not inside:  # only what the view runs: not the login, CSRF or session machinery around it
            return
        ran.add(name)
        if is_write:
            writing.append(frame)
        if writing:
            written.add(name)
        code = frame.f_code
        for var in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]:
            if isinstance(frame.f_locals.get(var), Form) and var != "self" and not name.startswith(FORM_KIT):
                got_form.add(f"{name}.{code.co_name}")

    sys.setprofile(prof)
    try:
        resp = client.post("/quyen-gop/nhap", data=_data(campaign, key))
    finally:
        sys.setprofile(None)
    assert resp.status_code == 303
    domain = sorted(m for m in ran if not m.startswith(("app.core.", "app.vn.", "app.extensions")))
    print(f"\nall app modules: {len(ran)}; domain modules (not core/vn/extensions): {len(domain)}; "
          f"functions handed the form: {len(got_form)}")
    print(f"write path (from {' or '.join(f'{m}.{f}' for m, f in sorted(WRITE_PATH))}): {len(written)} modules:",
          ", ".join(sorted(written)))
    print("domain:", ", ".join(domain))
    print("handed the form:", ", ".join(sorted(got_form)))
    print("core/vn:", ", ".join(sorted(set(ran) - set(domain))))
    assert "app.donations.services" in ran and "app.donations.routes.gifts._record" in got_form  # it did look
    assert [f for f in got_form if not f.startswith(MAY_HOLD_THE_FORM)] == []
