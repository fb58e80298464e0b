"""The data the proofs post against: one province, communes with an open campaign, clerks."""
from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from tests.factories import PASSWORD, make_unit, make_user
from tests.factories_donations import make_campaign


@dataclass
class Scenario:
    campaigns: list[int]  # one open campaign per commune
    users: list[tuple[str, int]]  # (clerk username, the open campaign of the clerk's commune)
    password: str = PASSWORD


def build(communes: int, clerks_per_commune: int) -> Scenario:
    """Build through the services, commit and let go of every connection (the server owns the db now)."""
    province = make_unit(None, "Hội Khuyến học tỉnh Thử Tải", "province")
    campaigns, users = [], []
    for c in range(communes):
        commune = make_unit(province, f"Hội Khuyến học xã Thử {c + 1}", "commune")
        campaigns.append(make_campaign(commune, name=f"Tháng Khuyến học xã {c + 1}").id)
        for k in range(clerks_per_commune):
            users.append((make_user(commune, "clerk", username=f"nhaplieu{c + 1}_{k + 1}").username,
                          campaigns[-1]))
    db.session.commit()
    db.session.remove()
    db.engine.dispose()
    # Interleaved, so that any first n clients write to every commune.
    users = [u for k in range(clerks_per_commune) for u in users[k::clerks_per_commune]]
    return Scenario(campaigns=campaigns, users=users)


def donation_form(campaign_id: int, key: str, csrf: str, marker: str, amount: int) -> dict:
    return {"csrf_token": csrf, "idem_key": key, "campaign_id": campaign_id, "donation_date": "2026-09-07",
            "donor_name": f"Người góp {marker}", "donor_kind": "person", "address": "Ấp Thử Nghiệm",
            "phone": "", "amount": str(amount), "method": "cash", "collector_unit_id": "0",
            "note": marker}
