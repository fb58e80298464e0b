"""Who may change the rows of each model: every model says so, and tests/core/test_model_owners.py
fails for one that does not (issue 15, finding 3: criteria sets had no unit and no owner, so every
commune admin could rewrite the criteria every other commune scores against).

A model is one of four kinds:

    unit    it has a NOT NULL `unit_id` column: its unit's people change it, by role, within their
            scope (app.core.authz: outside the scope 404, wrong role 403). Nothing to declare.
    parent  `__owner__ = "pupil"`: a row belongs to the record its relationship names and is changed
            only through that record's pages and services (a pupil's results, a user's roles).
            `__owner__ = "itself"`: the row is a unit, scoped by itself (app.core.authz.unit_of).
    shared  `__shared__ = Shared(...)`: one row serves every unit, so only an admin whose scope is the
            whole database (the top unit's admins, as for backups) changes it. A shared model may
            also carry a nullable `unit_id`: NULL rows are shared, the others are that unit's own
            copy and are scoped like any unit record (CriteriaSet).
    system  `__system__ = "why"`: written only by the application itself (the audit log, job runs,
            idempotency keys), never from a form that names the row.

This is about models; app.books.owners is a different question (which record owns a ledger or goods
entry, so that a void goes through that record's service) and is left as it is.

    ownership(model) -> Ownership | None     None: the model declares nothing (a test failure)
    shared_models() -> [model]               the models with a `__shared__` declaration
    may_change_shared(user) -> bool          an admin whose scope is every unit in the database
    authorize_shared(action, user=None)      403 unless the user has the action and may change shared rows
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy import inspect

from app.core.authz import authorize, covers_all_units, user_roles
from app.extensions import db

UNIT, PARENT, SHARED, SYSTEM = "unit", "parent", "shared", "system"
ITSELF = "itself"


@dataclass(frozen=True)
class Shared:
    """A `__shared__` declaration: what the rows are (in Vietnamese, for messages) and the endpoint
    prefixes of the routes that write them (the shared-records proof attempts each one)."""

    label: str
    routes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ownership:
    kind: str  # UNIT, PARENT, SHARED or SYSTEM
    detail: object = None  # the relationship name (PARENT), the Shared declaration, or the reason (SYSTEM)


def _unit_column(model):
    return model.__table__.columns.get("unit_id")


def ownership(model) -> Ownership | None:
    """What `model` declares; a declaration wins over the unit column (a shared model's column is nullable)."""
    if getattr(model, "__system__", None):
        return Ownership(SYSTEM, model.__system__)
    if isinstance(getattr(model, "__shared__", None), Shared):
        return Ownership(SHARED, model.__shared__)
    if getattr(model, "__owner__", None):
        return Ownership(PARENT, model.__owner__)
    column = _unit_column(model)
    if column is not None and not column.nullable:
        return Ownership(UNIT)
    return None  # no unit, or a nullable one whose NULL rows nobody owns


def owner_model(model):
    """The model a PARENT declaration points at: its relationship's class, or the model whose table
    the foreign key `<name>_id` references; `model` itself for "itself"; None when it names nothing."""
    name = getattr(model, "__owner__", None)
    if name == ITSELF:
        return model
    mapper = inspect(model)
    if name in mapper.relationships:
        return mapper.relationships[name].mapper.class_
    column = model.__table__.columns.get(f"{name}_id")
    if column is None or len(column.foreign_keys) != 1:
        return None
    table = next(iter(column.foreign_keys)).column.table
    return next((m for m in models() if m.__table__ is table), None)


def models() -> list:
    """Every mapped model, by class name."""
    return sorted((m.class_ for m in db.Model.registry.mappers), key=lambda c: c.__name__)


def shared_models() -> list:
    return [m for m in models() if (o := ownership(m)) is not None and o.kind == SHARED]


def may_change_shared(user) -> bool:
    """An admin of the top unit when it is the only one: their scope is the whole database, so a
    change to a record every unit uses stays within what they answer for (app.backups.access)."""
    unit = getattr(user, "unit", None)
    return (bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "active", False))
            and "admin" in user_roles(user) and unit is not None and covers_all_units(unit))


def authorize_shared(action: str, user=None) -> None:
    """403 unless the user has `action` and may change shared records (the role first, then the scope)."""
    user = user or current_user
    authorize(action, user=user)
    if not may_change_shared(user):
        abort(403)
