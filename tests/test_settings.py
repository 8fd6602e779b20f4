import pytest

from chalicelib.settings import SettingsError, load

STRONG = "k" * 48
PROD = {"STAGE": "prod", "SESSION_KEYS": STRONG, "HASH_KEY": "h" * 48,
        "SITE_URL": "https://cartoons.example", "OPERATOR_NAME": "Example SAS",
        "OPERATOR_EMAIL": "privacy@cartoons.example"}


def test_prod_starts_with_strong_secrets():
    settings = load(PROD)
    assert settings.cookie_secure and settings.cookie_name == "__Host-session"
    assert settings.region == "eu-west-3"


@pytest.mark.parametrize("change", [
    {"SESSION_KEYS": ""}, {"HASH_KEY": ""}, {"SESSION_KEYS": "short"},
    {"SESSION_KEYS": None}, {"HASH_KEY": None},
    {"SITE_URL": "http://cartoons.example"}, {"COOKIE_SECURE": "false"},
    {"OPERATOR_NAME": ""}, {"OPERATOR_EMAIL": None},
])
def test_prod_refuses_missing_or_unsafe_settings(change):
    env = {**PROD, **change}
    env = {k: v for k, v in env.items() if v is not None}
    with pytest.raises(SettingsError):
        load(env)


def test_prod_refuses_the_development_default_key():
    env = {k: v for k, v in PROD.items() if k not in ("SESSION_KEYS", "HASH_KEY")}
    with pytest.raises(SettingsError):
        load(env)


def test_local_runs_on_defaults_and_the_operator_is_configuration():
    settings = load({"STAGE": "local"})
    assert settings.site_url == "http://localhost:8000" and not settings.cookie_secure
    assert load({"STAGE": "local", "OPERATOR_NAME": "Someone"}).operator_name == "Someone"


def test_an_unknown_stage_is_refused():
    with pytest.raises(SettingsError):
        load({"STAGE": "staging"})
