"""The ``flask --app wsgi`` commands, driven the way an operator types them."""
from __future__ import annotations

import os
import pathlib
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from crm.staff import StaffUser, authenticate
from gateway.config import secret_key
from tests.conftest import make_settings
from web.api.keys import ApiKey

ROOT = pathlib.Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
FALLBACK_LIST_URL = "/tmf-api/party/v4/individual"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def tmf_list_url(app) -> str:
    """The party API's individual list when served, else the first TMF list the app serves."""
    rules = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/tmf-api/") and rule.endpoint.endswith("_list"))
    return FALLBACK_LIST_URL if FALLBACK_LIST_URL in rules or not rules else rules[0]


def create_user(runner, email="agent@example.com", password=PASSWORD, role="agent", *extra):
    return runner.invoke(args=["users", "create", "--role", role, email, "--password-stdin", *extra],
                         input=password + "\n")


# -- users ---------------------------------------------------------------------------------

@pytest.mark.smoke
def test_users_create_then_authenticate(runner, session, clock):
    result = create_user(runner, "Agent@Example.com")
    assert result.exit_code == 0, result.output
    assert "Created agent agent@example.com" in result.output
    user = authenticate(session, clock, "agent@example.com", PASSWORD)
    assert user is not None and user.role == "agent" and user.name == "agent"
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash
    assert authenticate(session, clock, "AGENT@example.com ", PASSWORD) is not None
    assert authenticate(session, clock, "agent@example.com", PASSWORD + "!") is None
    assert authenticate(session, clock, "agent@example.com", "") is None
    assert authenticate(session, clock, "nobody@example.com", PASSWORD) is None


def test_users_create_records_login_time(runner, session, clock):
    create_user(runner)
    clock.advance(hours=1)
    user = authenticate(session, clock, "agent@example.com", PASSWORD)
    assert user.last_login_at == clock.now()


def test_users_create_with_name_and_role(runner, session):
    result = create_user(runner, "boss@example.com", PASSWORD, "supervisor", "--name", "Wanjiku Boss")
    assert result.exit_code == 0, result.output
    user = session.scalar(sa.select(StaffUser).where(StaffUser.email == "boss@example.com"))
    assert (user.role, user.name, user.active) == ("supervisor", "Wanjiku Boss", True)


def test_users_create_prompts_for_the_password_twice(runner, session, clock):
    result = runner.invoke(args=["users", "create", "--role", "agent", "prompted@example.com"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert authenticate(session, clock, "prompted@example.com", PASSWORD) is not None


@pytest.mark.smoke
def test_duplicate_user_is_refused_clearly(runner, session):
    assert create_user(runner).exit_code == 0
    result = create_user(runner, "AGENT@example.com", "another password")
    assert result.exit_code != 0
    assert "agent@example.com exists" in result.output
    assert "Traceback" not in result.output
    assert session.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 1


@pytest.mark.parametrize("password", ["", "short", "123456789"])
def test_weak_password_is_refused(runner, session, password):
    result = create_user(runner, password=password)
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert session.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 0


@pytest.mark.parametrize(("email", "role", "message"), [
    ("not-an-email", "agent", "not an e-mail address"),
    ("agent@example.com", "root", "Invalid value for '--role'"),
    ("x" * 250 + "@example.com", "agent", "e-mail"),
])
def test_bad_email_or_role_is_refused(runner, session, email, role, message):
    result = create_user(runner, email, PASSWORD, role)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert session.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 0


def test_users_list(runner):
    create_user(runner, "zed@example.com")
    create_user(runner, "amina@example.com", PASSWORD, "admin")
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert "amina@example.com" in lines[0] and "admin" in lines[0] and "active" in lines[0]
    assert "zed@example.com" in lines[1] and "agent" in lines[1]
    assert "$argon2" not in result.output


# -- API keys ------------------------------------------------------------------------------

def create_key(runner, name="billing-system") -> str:
    result = runner.invoke(args=["apikeys", "create", name])
    assert result.exit_code == 0, result.output
    token = result.output.splitlines()[-1]
    assert result.stdout.strip() == token  # only the token on stdout, for scripts
    return token


@pytest.mark.smoke
def test_apikeys_create_prints_a_token_that_opens_the_api(app, runner, client):
    token = create_key(runner)
    assert token.startswith("bss_") and len(token) > 40
    url = tmf_list_url(app)
    assert client.get("/healthz").status_code == 200
    assert client.get(url).status_code == 401
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert isinstance(response.get_json(), list)
    assert client.get(url, headers={"Authorization": f"Bearer {token}x"}).status_code == 401


def test_each_create_makes_a_different_token(runner, session):
    assert create_key(runner, "a") != create_key(runner, "a")
    assert session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 2


@pytest.mark.smoke
def test_apikeys_list_never_shows_the_token(runner, session):
    token = create_key(runner, "crm-sync")
    result = runner.invoke(args=["apikeys", "list"])
    assert result.exit_code == 0, result.output
    assert "crm-sync" in result.output and "live" in result.output
    assert token not in result.output
    assert token[10:20] not in result.output  # not even a fragment past the hint
    digest = session.scalar(sa.select(ApiKey.token_digest))
    assert digest not in result.output and token not in digest


def test_apikeys_revoke_closes_the_api(app, runner, client):
    token = create_key(runner, "old-partner")
    other = create_key(runner, "new-partner")
    url = tmf_list_url(app)
    result = runner.invoke(args=["apikeys", "revoke", "old-partner"])
    assert result.exit_code == 0, result.output
    assert "Revoked 1 key" in result.output
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 200
    listing = runner.invoke(args=["apikeys", "list"]).output
    assert "old-partner" in listing and "revoked" in listing


def test_apikeys_revoke_of_an_unknown_name_fails(runner):
    result = runner.invoke(args=["apikeys", "revoke", "nobody"])
    assert result.exit_code != 0
    assert "no live key named 'nobody'" in result.output


@pytest.mark.parametrize("name", ["", "   ", "k" * 101])
def test_apikeys_create_refuses_bad_names(runner, session, name):
    result = runner.invoke(args=["apikeys", "create", name])
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "bss_" not in result.output
    assert session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def test_apikeys_revoke_matches_the_stored_stripped_name(runner):
    create_key(runner, " spaced ")
    result = runner.invoke(args=["apikeys", "revoke", " spaced "])
    assert result.exit_code == 0, result.output


# -- the real command line -----------------------------------------------------------------

@pytest.mark.smoke
def test_flask_help_lists_our_commands(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
           "SECRET_KEY": "test-only-secret", "LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "--help"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    commands = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert {"db", "demo", "users", "apikeys"} <= commands


# -- the configuration every command starts from -------------------------------------------

def test_secret_key_from_the_environment_wins(tmp_path):
    settings = make_settings("sqlite://", SECRET_KEY="from-env")
    assert secret_key(settings, str(tmp_path)) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    settings = make_settings("sqlite://", SECRET_KEY="")
    instance = tmp_path / "instance"
    first = secret_key(settings, str(instance))
    assert len(first) == 64
    assert secret_key(settings, str(instance)) == first
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]  # no drafts left behind


def test_processes_starting_together_agree_on_one_secret_key(tmp_path):
    settings = make_settings("sqlite://", SECRET_KEY="")
    for attempt in range(20):
        instance = str(tmp_path / f"instance{attempt}")
        with ThreadPoolExecutor(max_workers=8) as pool:
            keys = list(pool.map(secret_key, [settings] * 8, [instance] * 8))
        assert len(set(keys)) == 1 and keys[0]


def test_an_empty_secret_key_file_is_an_error_not_an_empty_key(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="empty"):
        secret_key(make_settings("sqlite://", SECRET_KEY=""), str(tmp_path))


def _flask(args: list[str], cwd, **env):
    """``flask --app <repo>/wsgi.py ARGS`` as typed in ``cwd``, with only ``env`` set on top of PATH."""
    environ = {"PATH": os.environ["PATH"], "LOG_LEVEL": "WARNING", **env}
    return subprocess.run([sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), *args], cwd=cwd,
                          env=environ, capture_output=True, text=True, timeout=120, check=False)


def test_a_dotenv_file_configures_the_command_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text("CURRENCY=UGX\nDEMO_DATA=0\nVOUCHER_SECRET=not-for-your-eyes\n"
                                   "DATABASE_URL=postgresql+psycopg://bss:hunter2@db.internal/bss\n")
    result = _flask(["settings"], tmp_path, DEMO_DATA="1")
    assert result.returncode == 0, result.stderr
    shown = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()}
    assert shown["CURRENCY"] == ["UGX", "environment"]  # from .env
    assert shown["DEMO_DATA"] == ["1", "environment"]  # the environment wins over .env
    assert shown["VOUCHER_SECRET"] == ["(set,", "hidden)", "environment"]
    assert shown["DATABASE_URL"][0] == "postgresql+psycopg://bss:***@db.internal/bss"
    assert shown["SMS_OUTBOUND"] == ["log", "default"]
    assert "not-for-your-eyes" not in result.stdout and "hunter2" not in result.stdout


def test_a_configuration_the_build_cannot_honour_stops_a_command_with_the_reason(tmp_path):
    result = _flask(["settings"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3", CHANNELS="ussd,fax")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == \
        "Configuration error: CHANNELS='ussd,fax': no fax here; choose from ussd, sms"
    assert "Traceback" not in result.stderr
