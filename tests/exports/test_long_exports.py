"""An export longer than one database batch, served as a WSGI server serves it: Flask ends the
request's session when the view returns, so every row must be read by then (on PostgreSQL a
batched read past that point found its server-side cursor closed)."""
import io
import threading
from datetime import date

import openpyxl
import pytest
from flask.testing import FlaskClient

from app.extensions import db
from tests.factories_donations import make_campaign, make_donor


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_longer_than_a_batch_holds_every_row(app, world, as_user, fmt):
    from app.donations import services

    campaign = make_campaign(world.commune)
    donor = make_donor(world.commune, "Nguyễn Văn Ấn")
    rows = [{"donor": donor, "amount": 10_000, "donation_date": date(2026, 9, 5)} for _ in range(2300)]
    services.record_donations_bulk(campaign, rows)
    db.session.commit()
    client = as_user(world.users["treasurer"])
    plain = FlaskClient(app)
    plain._cookies = client._cookies
    out = {}

    def fetch():  # a thread has no app context: the request's own context is the only one
        resp = plain.get(f"/quyen-gop/xuat.xlsx?format={fmt}")
        out["status"], out["data"] = resp.status_code, resp.get_data()

    t = threading.Thread(target=fetch)
    t.start()
    t.join()
    assert out["status"] == 200
    if fmt == "csv":
        assert out["data"].decode("utf-8").count("\n") == 2301  # the header and every gift
    else:
        assert openpyxl.load_workbook(io.BytesIO(out["data"]), read_only=True).active.max_row == 2301
