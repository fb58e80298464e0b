"""Separation of duties made visible, not impossible (issue 14 B).

A small association's chair may also keep its books, so the app lets one person approve (or
issue) and then pay. It never does so silently: the paying step's audit entry carries a
`same_person` note naming them, for the inspection committee (Ban kiểm tra) to check.
"""
from app.core.actor import actor as current_actor

NOTE_KEY = "same_person"


def same_person(first_user_id, *, first: str, second: str, actor=None) -> dict:
    """{"same_person": "Người <first> và người <second> là một: <name>"} when the acting user (or
    `actor`) is the user who took the first step (first_user_id); {} otherwise, to spread into an
    audit entry's `after`: after={**obj.audit_dict(), **same_person(d.issued_by_id, first="ban hành",
    second="chi")}."""
    actor = actor or current_actor()
    if actor is None or first_user_id is None or first_user_id != actor.id:
        return {}
    return {NOTE_KEY: f"Người {first} và người {second} là một: {actor.full_name}"}
