"""Every function of the prod template gets every environment variable the code reads."""

import re
from pathlib import Path

from chalicelib.core.settings import SECRET_NAMES, SETTINGS
from infra import build
from tests.support.cfn import functions

ROOT = Path(__file__).resolve().parents[2]
# env.get("X"), env["X"], os.environ["X"], os.getenv("X"), settings.get("X"), get_settings().get(..
READS = re.compile(r"""(?:\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
                   r"""|\w\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")


def names_the_code_reads():
    names = {entry.env for entry in SETTINGS.values()}
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        for match in READS.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def test_the_scan_finds_the_settings_names():
    names = names_the_code_reads()
    assert {"STAGE", "TABLE_PREFIX", "SITE_URL", "SESSION_KEYS", "SSM_PARAMETER_PREFIX",
            "AWS_ENDPOINT_URL", "RESEND_API_URL"} <= names


def test_every_function_has_every_name_the_code_reads(resources):
    needed = names_the_code_reads() - set(SECRET_NAMES) - set(build.NOT_IN_PROD)
    assert functions(resources)
    for name, function in functions(resources).items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert needed <= set(variables), f"{name} lacks {sorted(needed - set(variables))}"


def test_secrets_come_from_ssm_never_from_the_template(resources):
    for name, function in functions(resources).items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["SSM_PARAMETER_PREFIX"] == build.SSM_PATH, name
        assert not set(SECRET_NAMES) & set(variables), name


def test_names_left_unset_in_prod_are_unset(resources):
    for name, function in functions(resources).items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert not set(build.NOT_IN_PROD) & set(variables), name


def test_the_readme_lists_every_variable_a_function_gets(resources):
    readme = (ROOT / "infra" / "README.md").read_text() + (ROOT / "README.md").read_text()
    for function in functions(resources).values():
        for variable in function["Properties"]["Environment"]["Variables"]:
            assert f"`{variable}`" in readme
    for secret in SECRET_NAMES:
        assert f"`{secret}`" in readme


def test_prod_settings_pass_the_prod_checks(resources):
    from chalicelib.core.settings import load

    variables = functions(resources)["APIHandler"]["Properties"]["Environment"]["Variables"]
    env = {k: v for k, v in variables.items() if isinstance(v, str)}
    env.update({"SITE_URL": "https://caaartoons.example", "OPERATOR_NAME": "Operator",
                "OPERATOR_EMAIL": "privacy@caaartoons.example", "IMAGES_BUCKET": "images",
                "MAIL_FROM": "Caaartoons <signin@caaartoons.example>", "AWS_REGION": "eu-west-3"})
    env.pop("SSM_PARAMETER_PREFIX")  # stands for the secrets below, read from SSM at start
    env.update({"SESSION_KEYS": "k" * 48, "HASH_KEY": "h" * 48, "OPENAI_API_KEY": "sk-x",
                "ORIGIN_SECRETS": "o" * 48, "RESEND_API_KEY": "re_x",
                "STRIPE_SECRET_KEY": "sk_live_" + "s" * 40,
                "STRIPE_WEBHOOK_SECRET": "whsec_" + "w" * 32})
    settings = load(env)
    assert settings.stage == "prod" and settings.cookie_secure
    assert settings.table_prefix == "caaartoons-prod-"
