"""Proof: a copied session cookie is worthless after logout, password change and deactivation, and the
sixth login attempt within a minute is refused with 429 (in Vietnamese, with the security headers).

The three replays are the ones tests/core/test_security.py checks one by one; here they are run
together, counted and reported. Security headers on every HTML response: tests/proofs/test_get_proof.py.
"""
from tests.conftest import login
from tests.factories import PASSWORD
from tests.proofs import support as S
from tests.proofs.report import report

NEW_PASSWORD = "Mua-thu-Ha-Noi-2026"


def _stolen(app, user):
    victim = app.test_client()
    login(victim, user)
    return victim, victim.get_cookie("session").value


def _replay(app, cookie):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/")


def test_copied_cookie_is_refused_after_logout_password_change_and_deactivation(app, world):
    results = {}

    victim, cookie = _stolen(app, world.users["clerk"])
    works_before = _replay(app, cookie).status_code == 200
    victim.post("/dang-xuat")
    results["logout"] = works_before and _replay(app, cookie).status_code == 302

    victim, cookie = _stolen(app, world.users["treasurer"])
    works_before = _replay(app, cookie).status_code == 200
    changed = victim.post("/doi-mat-khau", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD}).status_code == 303
    results["password change"] = works_before and changed and _replay(app, cookie).status_code == 302 \
        and victim.get("/").status_code == 200  # the session that changed it stays signed in

    victim, cookie = _stolen(app, world.users["viewer"])
    works_before = _replay(app, cookie).status_code == 200
    admin = app.test_client()
    login(admin, world.users["admin"])
    locked = admin.post(f"/nguoi-dung/{world.users['viewer'].id}/trang-thai").status_code == 303
    results["deactivation"] = works_before and locked and _replay(app, cookie).status_code == 302

    refused = sum(results.values())
    report(f"Sessions: copied cookie replayed ({S.db_label()})",
           f"refused {refused}/3 ({', '.join(f'after {k}' for k, v in results.items() if v)})",
           refused == 3, "3/3 refused")
    assert results == {"logout": True, "password change": True, "deactivation": True}, results


def test_sixth_login_attempt_in_a_minute_gets_429(app, world):
    app.config["RATELIMIT_ENABLED"] = True
    from app.extensions import limiter

    limiter.init_app(app)  # re-read the flag; fresh in-memory counters
    client = app.test_client()
    codes = [client.post("/dang-nhap", data={"username": "admin_a", "password": "sai-mat-khau"}).status_code
             for _ in range(6)]
    sixth = client.post("/dang-nhap", data={"username": "admin_a", "password": PASSWORD})
    limited = codes[:5] == [422] * 5 and codes[5] == 429 and sixth.status_code == 429 \
        and "Bạn đã thử quá nhiều lần" in sixth.get_data(as_text=True) and not S.header_problems(sixth)

    report(f"Sessions: login rate limit ({S.db_label()})",
           f"attempts answered {codes + [sixth.status_code]}: the 6th in a minute "
           f"{'gets 429 in Vietnamese, with the security headers' if limited else 'is NOT limited'}",
           limited, "6th attempt in a minute: 429")
    assert limited, codes
