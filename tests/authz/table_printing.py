"""Print job routes: the job's owner, or admins and viewers of its unit's scope."""
from tests.authz import Rule

OVERSEE = frozenset({"admin", "viewer"})


def job(world, own):
    """A finished job owned by the commune's admin (own) or another commune's clerk."""
    from tests.factories_printing import make_job

    if own:
        return {"job_id": make_job(world.commune, world.users["admin"]).id}
    return {"job_id": make_job(world.other_commune, world.other_user).id}


TABLE = {
    "printing.status": Rule(OVERSEE, args=job),
    "printing.download": Rule(OVERSEE, args=job),
}
