"""``claims-triage keys`` and ``db``: a key is printed once, stored as a hash, listed without the
key, revoked; bad roles are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from service.auth import hash_key
from triage_cli.main import app


@pytest.fixture()
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLAIMS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("CLAIMS_DATABASE_URL", raising=False)
    return tmp_path / "var"


def test_keys_create_list_revoke(var_dir: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--role", "clerk", "--label", "desk 3"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert key.startswith("ctk_") and len(key) > 40
    database = b"".join(path.read_bytes() for path in var_dir.iterdir())  # the database and its WAL
    assert key.encode() not in database and hash_key(key).encode() in database
    listed = runner.invoke(app, ["keys", "list"])
    assert "clerk" in listed.stdout and "desk 3" in listed.stdout and key not in listed.stdout
    assert runner.invoke(app, ["keys", "revoke", "1"]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", "1"]).exit_code == 1
    engine = create_engine(f"sqlite:///{var_dir / 'claims-triage.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT revoked_at FROM api_keys")).scalar() is not None


def test_unknown_role_is_refused(var_dir: Path) -> None:
    result = CliRunner().invoke(app, ["keys", "create", "--role", "boss"])
    assert result.exit_code == 2 and "unknown role" in result.output


def test_db_upgrade_is_idempotent(var_dir: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def test_keys_belong_to_tenants(var_dir: Path) -> None:
    runner = CliRunner()
    intake = runner.invoke(app, ["keys", "create", "--role", "intake", "--tenant", "versicherer-nord"])
    assert intake.exit_code == 0 and "versicherer-nord" in intake.output
    default = runner.invoke(app, ["keys", "create", "--role", "intake"])
    assert default.exit_code == 0 and "default" in default.output
    clerk = runner.invoke(app, ["keys", "create", "--role", "clerk", "--tenant", "a", "--tenant", "b"])
    assert clerk.exit_code == 0
    listed = runner.invoke(app, ["keys", "list"]).stdout.splitlines()
    assert [line.split("\t")[2] for line in listed] == ["versicherer-nord", "default", "a,b"]
    two = runner.invoke(app, ["keys", "create", "--role", "intake", "--tenant", "a", "--tenant", "b"])
    assert two.exit_code == 2 and "exactly one tenant" in two.output
    bad = runner.invoke(app, ["keys", "create", "--role", "auditor", "--tenant", "Not A Name"])
    assert bad.exit_code == 2 and "tenant names" in bad.output
