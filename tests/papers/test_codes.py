"""Verification codes (app.papers.codes): every kind and id round-trips; anything altered, guessed or
made with another key is refused; codes reveal nothing of the id (neighbours look unrelated)."""
import random

import pytest

from app.papers import codes, site


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def test_every_kind_round_trips(ctx):
    rng = random.Random(18)
    for kind in codes.KINDS:
        for ref_id in [1, 2, 9, 10, 4095, codes.MAX_ID, *(rng.randrange(1, codes.MAX_ID) for _ in range(50))]:
            code = codes.code_for(kind, ref_id)
            assert len(code) == 17 and code[5] == code[11] == "-"
            assert codes.read(code) == (kind, ref_id)


def test_people_type_it_loosely(ctx):
    code = codes.code_for("receipt", 125)
    compact = code.replace("-", "")
    assert codes.read(compact.lower()) == ("receipt", 125)
    assert codes.read(" ".join([compact[:5], compact[5:10], compact[10:]])) == ("receipt", 125)
    # O for 0, I and L for 1 (Crockford): whichever the code holds, the look-alike reads the same.
    looks = compact.replace("0", "O").replace("1", "I")
    assert codes.read(looks) == ("receipt", 125)


def test_one_changed_character_is_refused(ctx):
    code = codes.code_for("certificate", 7).replace("-", "")
    refused = 0
    for i in range(len(code)):
        for ch in codes.ALPHABET:
            if ch != code[i]:
                altered = code[:i] + ch + code[i + 1:]
                assert codes.read(altered) != ("certificate", 7)
                refused += codes.read(altered) is None
    assert refused == len(code) * (len(codes.ALPHABET) - 1)
    assert codes.read(code) == ("certificate", 7)  # positive control


def test_guesses_and_garbage_are_refused(ctx):
    rng = random.Random(5)
    guesses = ["".join(rng.choice(codes.ALPHABET) for _ in range(15)) for _ in range(20_000)]
    assert sum(codes.read(g) is not None for g in guesses) == 0
    for junk in ["", None, "abc", "x" * 15, "7KQ2M-XW4HD-0R9T", "7KQ2M-XW4HD-0R9TBB", "UUUUU-UUUUU-UUUUU",
                 "<script>", "0" * 15, "Z" * 15, "１２３４５６７８９０１２３４５"]:
        assert codes.read(junk) is None


def test_another_key_makes_other_codes(app):
    with app.app_context():
        code = codes.code_for("decision", 3)
        app.config["PAPER_KEY"] = "another key"
        assert codes.read(code) is None
        assert codes.read(codes.code_for("decision", 3)) == ("decision", 3)


def test_neighbours_look_unrelated(ctx):
    """Consecutive receipts share no visible prefix and the codes do not sort by id."""
    made = [codes.code_for("receipt", i).replace("-", "") for i in range(1, 201)]
    assert len(set(made)) == 200
    common = sum(a[:3] == b[:3] for a, b in zip(made, made[1:]))
    assert common <= 2
    assert made != sorted(made)
    kinds = {codes.code_for(k, 1)[:5] for k in codes.KINDS}
    assert len(kinds) == len(codes.KINDS)


def test_no_code_for_nothing(ctx):
    for kind, ref_id in [("receipt", 0), ("receipt", -1), ("nope", 1), ("receipt", codes.MAX_ID + 1)]:
        with pytest.raises(ValueError):
            codes.code_for(kind, ref_id)


def test_mark_prints_the_address_in_plain_text(app):
    app.config["PUBLIC_URL"] = "https://khuyenhoc.laivung.vn/"
    with app.test_request_context("/"):
        m = site.mark("receipt", 42)
        assert m["url"] == f"https://khuyenhoc.laivung.vn/xac-minh/{m['code']}"
        assert m["address"] == "khuyenhoc.laivung.vn/xac-minh"
        assert str(m["svg"]).startswith("<svg") and "http" not in str(m["svg"]).split("xmlns", 1)[0]
        assert site.mark("receipt", None) is None
    app.config["PUBLIC_URL"] = ""
    with app.test_request_context("/", base_url="http://10.0.0.5:8000/"):
        assert site.mark("receipt", 42)["address"] == "10.0.0.5:8000/xac-minh"
    with app.app_context(), site.job_site("https://hkh.example.vn/"):
        assert site.mark("voucher", 1)["url"].startswith("https://hkh.example.vn/xac-minh/")


def test_the_key_lives_in_the_database_not_in_secret_key(app):
    """A new SECRET_KEY (everyone logged out after a leak) keeps every printed code; the key is the
    database's own (migration 0028 writes it), so a backup restored elsewhere keeps them too."""
    from app.extensions import db
    from app.papers.keys import PaperKey

    with app.app_context():
        stored = db.session.scalars(db.select(PaperKey)).all()
        assert len(stored) == 1 and len(stored[0].secret) == 64
        code = codes.code_for("receipt", 77)
        app.config["SECRET_KEY"] = "rotated after a leak"
        assert codes.read(code) == ("receipt", 77)
        app.extensions.pop("paper_key")
        stored[0].secret = "another database"
        db.session.flush()
        assert codes.read(code) is None  # positive control: the database's key is the one used
        db.session.rollback()
