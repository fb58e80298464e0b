"""The commune the tap bench starts from: a fresh database holding only what an association has on
its first day (the province and commune, two branches, the commune's users and its default fund).
Everything the year needs after that is entered through the browser by bench/taps.py."""
from __future__ import annotations

import inspect
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager

PASSWORD = "Khuyen-hoc-2026"
COMMUNE = "Hội Khuyến học xã Lai Vung"
# username -> (full name, role); the roles a small commune has today (ROLES may merge them later)
USERS = {
    "quantrixa": ("Huỳnh Minh Tâm", "admin"),
    "thuquy": ("Nguyễn Văn Đức", "treasurer"),
    "nhaplieu": ("Lê Thị Ánh Tuyết", "clerk"),
}
# Where the app allows it, the chair also keeps the books (issue 14 B: "a chair who is also the treasurer");
# before that, every role is a separate login.
CHAIR, CHAIR_ROLES = "quantrixa", ["admin", "treasurer"]


def seed_world() -> dict:
    """Call inside an app context in write mode; commits. Returns plain data."""
    from app.extensions import db
    from app.funds.services import default_fund
    from app.units.services import create_unit
    from app.users.services import create_user

    province = create_unit(None, "Hội Khuyến học tỉnh Đồng Tháp", "province", "Phường Cao Lãnh, tỉnh Đồng Tháp")
    commune = create_unit(province, COMMUNE, "commune", "Xã Lai Vung, tỉnh Đồng Tháp")
    for name in ("Chi hội Khuyến học ấp Tân Lộc", "Chi hội Khuyến học ấp Hòa Bình"):
        create_unit(commune, name, "village")
    several = "roles" in inspect.signature(create_user).parameters  # issue 14 B: a user may hold several roles
    users = {}
    for username, (full_name, role) in USERS.items():
        roles = CHAIR_ROLES if several and username == CHAIR else [role]
        extra = {"roles": roles} if several else {"role": role}
        create_user(username=username, full_name=full_name, unit=commune, password=PASSWORD,
                    must_change_password=False, **extra)
        users[username] = roles
    default_fund(commune)
    db.session.commit()
    return {"commune": commune.id, "commune_name": commune.name, "password": PASSWORD, "users": users}


class PrintWorker:
    """What `flask print-worker` does (long PDFs are rendered in the background), in a thread."""

    def __init__(self, app):
        from app.printing.queue import huey_for

        self.huey = huey_for(app)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="taps-print-worker", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            task = self.huey.dequeue()
            if task is None:
                self.stopping.wait(0.2)
            else:
                self.huey.execute(task)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=60)


@contextmanager
def live_world():
    """A migrated SQLite database in a scratch folder, the world seeded, the app served on 127.0.0.1.

    Yields (base_url, world). CSRF stays on: the browser sends real forms."""
    tmp = tempfile.mkdtemp(prefix="skh-taps-")
    saved_instance = os.environ.get("INSTANCE_PATH")
    os.environ["INSTANCE_PATH"] = tmp  # the secret key and anything else the app keeps there
    from flask_migrate import upgrade

    from app import create_app
    from app.core.db import write_mode
    from app.extensions import db
    from tests.browser.pageweight import LiveServer

    url = f"sqlite:///{tmp}/taps.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SECRET_KEY": "taps-" + "0" * 40,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": True,
                      "SERVER_NAME": None, "HUEY_URL": f"{tmp}/print-queue.db", "HUEY_IMMEDIATE": False})
    server = worker = None
    try:
        with app.app_context():
            upgrade(revision="heads")
            with write_mode():
                world = seed_world()
            db.session.remove()
        server = LiveServer(app)
        worker = PrintWorker(app)
        yield server.url, world
    finally:
        if worker:
            worker.stop()
        if server:
            server.stop()
        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)
        if saved_instance is None:  # later benches (subprocesses) must not inherit a removed folder
            os.environ.pop("INSTANCE_PATH", None)
        else:
            os.environ["INSTANCE_PATH"] = saved_instance
