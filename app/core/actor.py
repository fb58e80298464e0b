"""Who is acting: the signed-in user of the current request, or nobody (CLI, worker, tests' services).

Services stamp created_by / decided_by / voided_by with actor_id() and the audit log names actor();
outside a request, or for an anonymous one, both are None.
"""
from flask import has_request_context
from flask_login import current_user


def actor():
    """The signed-in user of this request, else None."""
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user
    return None


def actor_id() -> int | None:
    """The id of actor(), else None."""
    user = actor()
    return user.id if user is not None else None
