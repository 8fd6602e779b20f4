import dataclasses

import boto3
import pytest

from chalicelib.core.settings import (
    SECRET_NAMES,
    SETTINGS,
    Setting,
    Settings,
    SettingsError,
    default,
    load,
)

STRONG = "k" * 48
PROD = {"STAGE": "prod", "SESSION_KEYS": STRONG, "HASH_KEY": "h" * 48,
        "SITE_URL": "https://cartoons.example", "OPERATOR_NAME": "Example SAS",
        "OPERATOR_EMAIL": "privacy@cartoons.example", "OPENAI_API_KEY": "sk-live-example",
        "STRIPE_SECRET_KEY": "sk_live_" + "s" * 40, "STRIPE_WEBHOOK_SECRET": "whsec_" + "w" * 32,
        "ORIGIN_SECRETS": "o" * 48}


def test_prod_starts_with_strong_secrets():
    settings = load(PROD)
    assert settings.cookie_secure and settings.cookie_name == "__Host-session"
    assert settings.region == "eu-west-3"


@pytest.mark.parametrize("change", [
    {"SESSION_KEYS": ""}, {"HASH_KEY": ""}, {"SESSION_KEYS": "short"},
    {"SESSION_KEYS": None}, {"HASH_KEY": None},
    {"SITE_URL": "http://cartoons.example"}, {"COOKIE_SECURE": "false"},
    {"OPERATOR_NAME": ""}, {"OPERATOR_EMAIL": None},
    {"STRIPE_SECRET_KEY": None}, {"STRIPE_SECRET_KEY": "sk_test_" + "s" * 40},
    {"STRIPE_WEBHOOK_SECRET": None}, {"STRIPE_WEBHOOK_SECRET": ""},
    {"STRIPE_API_BASE": "http://127.0.0.1:9"},
    {"CHECKOUT_SUCCESS_URL": "https://elsewhere.example/thanks"},
    {"OPENAI_API_KEY": None}, {"OPENAI_BASE_URL": "http://127.0.0.1:9999/v1"},
    {"IMAGE_URL_SECONDS": "3600"},
    {"ORIGIN_SECRETS": None}, {"ORIGIN_SECRETS": "short"}, {"ORIGIN_SECRETS": "o" * 48 + ",old"},
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


def test_packs_come_from_settings_in_euro_cents():
    settings = load({"STAGE": "local", "CREDIT_PACKS": "tiny:5:250,big:50:2000"})
    assert [(p.pack_id, p.credits, p.amount, p.currency) for p in settings.credit_packs] == [
        ("tiny", 5, 250, "eur"), ("big", 50, 2000, "eur")]
    assert settings.pack("big").credits == 50 and settings.pack("huge") is None


@pytest.mark.parametrize("packs", ["", "a:10", "a:0:500", "a:10:49", "A:10:500", "a:10:5.0",
                                   "a:10:500,a:20:900"])
def test_malformed_packs_are_refused(packs):
    with pytest.raises(SettingsError):
        load({"STAGE": "local", "CREDIT_PACKS": packs})


def test_the_local_checkout_exists_only_off_prod_and_without_a_stripe_key():
    assert load({"STAGE": "local"}).local_checkout
    assert not load({"STAGE": "local", "STRIPE_SECRET_KEY": "sk_test_x"}).local_checkout
    assert not load(PROD).local_checkout
    assert not load({"STAGE": "test", "AWS_LAMBDA_FUNCTION_NAME": "caaartoons-test"}) \
        .local_checkout


def test_generation_defaults_and_overrides():
    settings = load({"STAGE": "local"})
    assert settings.scene_models == {
        level: ("gpt-image-2.5-sunburst-2026-09-08", level) for level in ("low", "medium", "high")}
    # references: one model, at the quality of their tier's scenes
    assert settings.reference_pairs() == {
        level: ("gpt-image-2.5-sunburst-2026-09-08", level) for level in ("low", "medium", "high")}
    assert settings.image_size == "1024x1024"
    assert settings.quality_credits == {"low": 1, "medium": 2, "high": 4}
    assert settings.image_url_seconds <= 900 and settings.image_timeout_seconds == 240
    custom = load({"STAGE": "local", "QUALITY_CREDITS": "low=3,high=9",
                   "SCENE_MODELS": "low=gpt-image-2.5-flare-2026-09-08:medium,"
                                   "high=gpt-image-2.5-sunburst-2026-09-08:xhigh",
                   "REFERENCE_MODEL": "gpt-image-2.5-flare-2026-09-08",
                   "IMAGE_PRICES": "gpt-image-2.5-flare-2026-09-08=1/2/3"})
    assert custom.quality_credits == {"low": 3, "high": 9}
    assert custom.scene_model("low") == ("gpt-image-2.5-flare-2026-09-08", "medium")
    assert custom.scene_model("high") == ("gpt-image-2.5-sunburst-2026-09-08", "xhigh")
    assert custom.reference_pair("high") == ("gpt-image-2.5-flare-2026-09-08", "xhigh")
    assert custom.image_prices["gpt-image-2.5-flare-2026-09-08"] == (1.0, 2.0, 3.0)


def test_the_default_models_are_dated_snapshots_the_sdk_lists():
    import typing

    from openai.types import ImageModel

    from chalicelib.core import image_models

    listed = set(typing.get_args(ImageModel))
    settings = load({"STAGE": "local"})
    for model in [m for m, _ in settings.scene_models.values()] + [settings.reference_model]:
        assert model in listed and image_models.is_snapshot(model)
        assert "sunburst" in model
    assert set(image_models.MODELS) <= listed  # nothing the SDK does not list


def test_the_openai_tier_sets_the_concurrency():
    assert [load({"STAGE": "local", "OPENAI_TIER": str(t)}).worker_concurrency
            for t in range(1, 6)] == [3, 10, 25, 75, 125]
    assert load({"STAGE": "local", "OPENAI_TIER": "1"}).reference_parallelism == 2
    assert load({"STAGE": "local", "OPENAI_TIER": "5", "WORKER_CONCURRENCY": "7"}) \
        .worker_concurrency == 7


@pytest.mark.parametrize("env", [
    {"QUALITY_CREDITS": "low=0"}, {"QUALITY_CREDITS": "low"}, {"QUALITY_CREDITS": ""},
    {"OPENAI_IMAGE_ATTEMPTS": "0"}, {"OPENAI_IMAGE_TIMEOUT_SECONDS": "soon"},
    {"SCENE_MODELS": "low=gpt-image-9:low"}, {"SCENE_MODELS": "low=gpt-image-2:xhigh"},
    {"SCENE_MODELS": "high=gpt-image-2.6-sunburst:high"},  # standard sizes only: cells are not
    {"SCENE_MODELS": "low=gpt-image-1:low"},  # shut down: not in the table
    {"QUALITY_CREDITS": "low=1,ultra=9"},  # a level without a scene model
    {"REFERENCE_MODEL": "gpt-image-2.5-flare-2026-09-08:high"},  # a model, not a pair
    # a reference model that cannot draw at a level's quality
    {"SCENE_MODELS": "high=gpt-image-2.5-flare-2026-09-08:xhigh",
     "REFERENCE_MODEL": "gpt-image-2-2026-04-21"},
    {"OPENAI_IMAGE_SIZE": "1000x1000"}, {"OPENAI_IMAGE_SIZE": "4096x512"},
    {"REFERENCE_MODEL": "gpt-image-2.6-flare", "OPENAI_IMAGE_SIZE": "1008x960"},
    {"OPENAI_TIER": "6"}, {"OPENAI_TIER": "0"}, {"WORKER_CONCURRENCY": "1"},
    {"IMAGE_PRICES": "gpt-image-2=1/2"}, {"IMAGE_PRICES": "nope=1/2/3"},
])
def test_unsafe_generation_settings_are_refused(env):
    with pytest.raises(SettingsError):
        load({"STAGE": "local", **env})


@pytest.mark.parametrize("model", ["gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest"])
@pytest.mark.parametrize("name", ["SCENE_MODELS", "REFERENCE_MODEL", "IMAGE_PRICES"])
def test_a_model_openai_shut_down_is_refused_with_the_date(model, name):
    value = {"SCENE_MODELS": f"low={model}:low", "REFERENCE_MODEL": model,
             "IMAGE_PRICES": f"{model}=1/2/3"}[name]
    with pytest.raises(SettingsError, match=f"{name}: {model} was shut down by OpenAI on "
                                            "2026-12-01"):
        load({"STAGE": "local", name: value})


def test_no_secret_shows_in_a_repr():
    env = {**PROD, "RESEND_API_KEY": "re_" + "r" * 30}
    shown = repr(load(env))
    for name in SECRET_NAMES:
        for value in env[name].split(","):
            assert value not in shown, name
    assert "caaartoons-prod-" in shown  # the rest still shows


def test_every_field_is_declared_and_nothing_reads_undeclared_names():
    names = {f.name for f in dataclasses.fields(Settings)}
    assert {"aws_endpoint_url", "resend_api_url", "offline_draw_seconds",
            "lambda_function_name", "origin_secrets", "ssm_parameter_prefix"} <= names
    assert not hasattr(Settings, "get") and "extra" not in names
    settings = load({"STAGE": "local", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                     "RESEND_API_URL": "http://127.0.0.1:9", "OFFLINE_DRAW_SECONDS": "0.25"})
    assert (settings.aws_endpoint_url, settings.resend_api_url, settings.offline_draw_seconds) \
        == ("http://127.0.0.1:5000", "http://127.0.0.1:9", 0.25)


def test_the_origin_secrets_are_the_current_then_the_previous():
    settings = load({**PROD, "ORIGIN_SECRETS": "n" * 40 + "," + "p" * 40})
    assert settings.origin_secrets == ("n" * 40, "p" * 40)


def _put_parameters(prefix, values):
    ssm = boto3.client("ssm")
    for name, value in values.items():
        ssm.put_parameter(Name=f"{prefix}/{name}", Value=value, Type="SecureString")


def test_a_function_reads_only_the_secrets_it_is_given_from_ssm():
    secrets = {name: PROD[name] for name in SECRET_NAMES if name in PROD}
    _put_parameters("/caaartoons/prod", {**secrets, "RESEND_API_KEY": "re_" + "r" * 30})
    env = {k: v for k, v in PROD.items() if k not in SECRET_NAMES}
    worker = load({**env, "SSM_PARAMETER_PREFIX": "/caaartoons/prod",
                   "SSM_SECRET_NAMES": "HASH_KEY,OPENAI_API_KEY"})
    assert worker.hash_key == PROD["HASH_KEY"] and worker.openai_api_key == PROD["OPENAI_API_KEY"]
    # Prod checks what it was given, and nothing else came in.
    assert worker.stripe_secret_key == worker.resend_api_key == "" and worker.session_keys == []
    assert worker.secret_names == ("HASH_KEY", "OPENAI_API_KEY")
    api = load({**env, "SSM_PARAMETER_PREFIX": "/caaartoons/prod/"})
    assert api.resend_api_key.startswith("re_") and api.origin_secrets == (PROD["ORIGIN_SECRETS"],)


def test_a_function_given_a_secret_that_ssm_lacks_does_not_start():
    _put_parameters("/caaartoons/prod", {"OPENAI_API_KEY": PROD["OPENAI_API_KEY"]})
    env = {k: v for k, v in PROD.items() if k not in SECRET_NAMES}
    with pytest.raises(SettingsError):
        load({**env, "SSM_PARAMETER_PREFIX": "/caaartoons/prod",
              "SSM_SECRET_NAMES": "HASH_KEY,OPENAI_API_KEY"})
    with pytest.raises(SettingsError):
        load({**env, "SSM_SECRET_NAMES": "HASH_KEY,NOT_A_SECRET"})


def test_override_settings_reaches_every_module_that_imported_get_settings(override_settings):
    from chalicelib.core import settings, web
    from chalicelib.rights import privacy

    changed = override_settings(operator_name="Someone else")
    assert web.get_settings() is privacy.get_settings() is settings.get_settings() is changed
    assert changed.operator_name == "Someone else" and changed.hash_key  # the rest kept


def test_each_setting_is_declared_once_with_a_default_and_a_parser():
    assert [f.name for f in dataclasses.fields(Settings)] == list(SETTINGS)
    envs = [entry.env for entry in SETTINGS.values()]
    assert len(envs) == len(set(envs))
    for entry in SETTINGS.values():
        assert isinstance(entry.default, str) or callable(entry.default), entry.env
        assert callable(entry.parse), entry.env
    assert set(SECRET_NAMES) == {e.env for e in SETTINGS.values() if e.secret}


@pytest.mark.parametrize("declaration", [("X", None, str), ("X", "", None), ("X", 5, str)])
def test_a_setting_without_a_default_or_a_parser_is_refused(declaration):
    with pytest.raises(SettingsError):
        Setting(*declaration)


def test_the_defaults_infra_reads_are_the_ones_the_code_uses():
    from infra import build

    settings = load({"STAGE": "local"})
    assert default("LOG_LEVEL") == settings.log_level == build.PROD_CONFIG["LOG_LEVEL"]
    assert int(default("EXPORT_RETENTION_HOURS")) == settings.export_retention_hours
    assert settings.backup_retention_days == build.PITR_RECOVERY_DAYS
    with pytest.raises(SettingsError):
        default("TABLE_PREFIX")  # depends on the stage
