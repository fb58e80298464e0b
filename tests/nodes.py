"""A second node in miniature (issue 20 A): another app instance on the same database, with an
INSTANCE_PATH (a local disk) of its own. What it finds is what another machine would find."""
from pathlib import Path

import pytest

from app.extensions import db


@pytest.fixture
def second(app, tmp_path, monkeypatch):
    """Node B: another app on the test's database, its instance folder elsewhere."""
    from app import create_app
    from tests.conftest import BASE_CONFIG, AppClient

    folder = tmp_path / "node-b"
    monkeypatch.setenv("INSTANCE_PATH", str(folder))
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other.test_client_class = AppClient
    assert Path(other.instance_path) == folder != Path(app.instance_path)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def local_files(folder, suffixes=(".pdf", ".json", ".db", ".dump")) -> list[str]:
    """Files a node keeps on its own disk that another node would need."""
    return sorted(str(p) for p in Path(folder).rglob("*") if p.is_file() and p.suffix in suffixes)
