"""The selection page's button values, read once in forms.read_act (the views parse no protocol)."""
from app.scholarships.forms import Act, read_act


def test_one_rows_approve_carries_its_id():
    assert read_act("approve-123") == Act("approve", 123)


def test_list_buttons_carry_no_id():
    assert read_act("approve") == Act("approve", None)
    assert read_act("reject") == Act("reject", None)
    assert read_act("budget") == Act("budget", None)


def test_anything_else_is_no_row():
    # A hand-made value names no row: the view answers as for an unknown act, never approves one.
    for raw in (None, "", "approve-", "approve-12a", "approve-١٢", "reject-5", "approve--3"):
        assert read_act(raw).nomination_id is None, raw
