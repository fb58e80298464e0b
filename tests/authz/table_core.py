"""Foundation routes: auth, dashboard, units, users, audit."""
from tests.authz import ALL, Rule

ADMIN = frozenset({"admin"})
AUDIT = frozenset({"admin", "viewer"})


def unit(world, own):
    return {"unit_id": (world.branch if own else world.other_branch).id}


def user(world, own):
    return {"user_id": (world.branch_user if own else world.other_user).id}


def unit_query(world, own):
    return {"don_vi": (world.commune if own else world.other_commune).id}


TABLE = {
    "auth.login": Rule(public=True),
    "auth.logout": Rule(ALL),
    "auth.change_password": Rule(ALL),
    "dashboard.index": Rule(ALL),
    "units.index": Rule(ALL),
    "units.export": Rule(ALL),
    "units.detail": Rule(ALL, args=unit),
    "units.create": Rule(ADMIN),
    "units.edit": Rule(ADMIN, args=unit),
    "units.move": Rule(ADMIN, args=unit),
    "units.toggle_active": Rule(ADMIN, args=unit),
    "users.index": Rule(ADMIN),
    "users.export": Rule(ADMIN),
    "users.create": Rule(ADMIN),
    "users.detail": Rule(ADMIN, args=user),
    "users.reset_password": Rule(ADMIN, args=user),
    "users.toggle_active": Rule(ADMIN, args=user),
    "users.print_list": Rule(ADMIN, query=unit_query),
    "audit.index": Rule(AUDIT),
    "audit.export": Rule(AUDIT),
}
