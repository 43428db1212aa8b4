"""Settings from the environment, with defaults that need no other service."""
import os

import pytest

from core.settings import VARIABLES, Settings


@pytest.mark.smoke
def test_defaults_need_nothing_set(tmp_path):
    settings = Settings.from_env({}, instance_path=str(tmp_path))
    assert settings.database_url == f"sqlite:///{tmp_path}/bss.sqlite3"
    assert settings.secret_key == ""
    assert (settings.host, settings.port) == ("127.0.0.1", 5000)
    assert (settings.currency, settings.default_region) == ("KES", "KE")
    assert settings.operator_timezone == "Africa/Nairobi"
    assert settings.demo_data is True and settings.api_auth is True
    assert settings.public_base_url == ""
    assert settings.log_level == "INFO"


def test_relative_instance_path_becomes_absolute():
    settings = Settings.from_env({}, instance_path="instance")
    assert settings.database_url == f"sqlite:///{os.path.abspath('instance')}/bss.sqlite3"


def test_empty_values_mean_the_default():
    settings = Settings.from_env({"PORT": "", "CURRENCY": ""})
    assert settings.port == 5000 and settings.currency == "KES"


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u:p@db:5432/bss", "postgresql+psycopg://u:p@db:5432/bss"),
    ("postgresql://u@db/bss", "postgresql+psycopg://u@db/bss"),
    ("postgresql+psycopg://u@db/bss", "postgresql+psycopg://u@db/bss"),
    ("sqlite:////var/lib/bss.sqlite3", "sqlite:////var/lib/bss.sqlite3"),
])
def test_database_url_names_the_psycopg_driver(given, expected):
    assert Settings.from_env({"DATABASE_URL": given}).database_url == expected


def test_values_are_read_and_normalised():
    settings = Settings.from_env({
        "SECRET_KEY": "s3cret", "HOST": "10.0.0.5", "PORT": "8080", "CURRENCY": "ugx",
        "DEFAULT_REGION": "ug", "OPERATOR_TIMEZONE": "Africa/Kampala",
        "PUBLIC_BASE_URL": "https://bss.example.com/", "LOG_LEVEL": "debug",
    })
    assert settings.secret_key == "s3cret"
    assert (settings.host, settings.port) == ("10.0.0.5", 8080)
    assert (settings.currency, settings.default_region) == ("UGX", "UG")
    assert settings.operator_timezone == "Africa/Kampala"
    assert settings.public_base_url == "https://bss.example.com"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(("value", "flag"), [
    ("1", True), ("true", True), ("TRUE", True), ("yes", True), ("on", True), (" 1 ", True),
    ("0", False), ("false", False), ("no", False), ("off", False), ("anything", False),
])
def test_flags(value, flag):
    settings = Settings.from_env({"DEMO_DATA": value, "API_AUTH": value})
    assert settings.demo_data is flag and settings.api_auth is flag


def test_unknown_variables_are_kept_as_extra():
    settings = Settings.from_env({"SOME_VENDOR_TOKEN": "x", "PORT": "1"})
    assert settings.extra == {"SOME_VENDOR_TOKEN": "x"}


def test_every_variable_has_a_description():
    assert all(description for _default, description in VARIABLES.values())


def test_settings_are_frozen():
    settings = Settings.from_env({})
    with pytest.raises(AttributeError):
        settings.port = 1


def test_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("CURRENCY", "kwd")
    assert Settings.from_env().currency == "KWD"


def test_repr_keeps_secrets_out_of_logs():
    settings = Settings.from_env({"SECRET_KEY": "do-not-log-me", "TWILIO_AUTH_TOKEN": "nor-me"})
    assert "do-not-log-me" not in repr(settings)
    assert "nor-me" not in repr(settings)
    assert settings.secret_key == "do-not-log-me"


@pytest.mark.parametrize("port", ["http", "0", "70000", "-1"])
def test_a_bad_port_is_named(port):
    with pytest.raises(ValueError, match="PORT"):
        Settings.from_env({"PORT": port})


def test_readme_documents_every_variable():
    """The configuration table is how operators learn what to set; it must not fall behind."""
    import pathlib

    from core.settings import VARIABLES

    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert [name for name in VARIABLES if f"`{name}`" not in readme] == []
