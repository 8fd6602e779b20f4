"""Every setting, read from the environment in one place.

Secrets come from the environment or, when SSM_PARAMETER_PREFIX is set, from SSM Parameter Store
at start. The prod stage refuses to start with a missing or development secret.
"""

import functools
import json
import os
from dataclasses import dataclass, field

DEV_SECRET_MARKER = "dev-insecure"  # noqa: S105  (marks keys prod refuses)
STAGES = ("local", "test", "prod")
SECRET_NAMES = ("SESSION_KEYS", "HASH_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
                "OPENAI_API_KEY", "RESEND_API_KEY")


# The drawing styles offered on the create page: (key, label, what the model is told).
STYLE_PRESETS = (
    ("newspaper", "Newspaper strip", "a classic newspaper comic strip, clean ink lines, flat "
     "colours"),
    ("manga", "Manga", "black-and-white manga with screentones and expressive faces"),
    ("watercolour", "Watercolour", "soft watercolour illustration with gentle washes"),
    ("ligne-claire", "Ligne claire", "Franco-Belgian ligne claire: uniform clean lines, flat "
     "bright colours, no hatching"),
    ("superhero", "Superhero comic", "American superhero comic, bold inks, dynamic shading"),
    ("childrens-book", "Children's book", "warm children's picture-book illustration"),
    ("pixel-art", "Pixel art", "retro 16-bit pixel art"),
    ("noir", "Noir", "high-contrast black-and-white noir comic with deep shadows"),
    ("pastel", "Pastel cute", "cute pastel cartoon with rounded shapes"),
    ("woodcut", "Woodcut", "bold woodcut print with rough carved lines"),
    ("anime", "Anime", "modern anime cel shading"),
    ("pencil", "Pencil sketch", "loose graphite pencil sketch on paper"),
)
# Quality levels: the provider's quality name -> credits per scene (QUALITY_CREDITS overrides).
DEFAULT_QUALITY_CREDITS = "low=1,medium=2,high=4"
MAX_IMAGE_URL_SECONDS = 15 * 60


class SettingsError(RuntimeError):
    """The configuration is unsafe or incomplete for the stage."""


def _split(value):
    return [part.strip() for part in value.split(",") if part.strip()]


def _credits_by_quality(value):
    levels = {}
    for part in _split(value):
        name, _, amount = part.partition("=")
        if not name.strip() or not amount.strip().isdigit() or int(amount) <= 0:
            raise SettingsError("QUALITY_CREDITS is like low=1,medium=2,high=4")
        levels[name.strip()] = int(amount)
    if not levels:
        raise SettingsError("QUALITY_CREDITS needs at least one level")
    return levels


def _bool(value):
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    images_bucket: str
    queue_name: str
    site_url: str
    session_keys: list
    hash_key: str
    cookie_secure: bool
    mail_from: str
    resend_api_key: str
    outbox_dir: str
    operator_name: str
    operator_email: str
    log_level: str
    # Generation (issue 4).
    openai_api_key: str = ""
    openai_base_url: str = ""
    image_model: str = "gpt-image-2"
    image_size: str = "1024x1024"
    moderation_model: str = "omni-moderation-latest"
    image_timeout_seconds: float = 240.0
    image_attempts: int = 3
    retry_backoff_seconds: float = 2.0
    quality_credits: dict = field(default_factory=lambda: _credits_by_quality(
        DEFAULT_QUALITY_CREDITS))
    image_url_seconds: int = 600
    stuck_scene_seconds: int = 3600
    worker_concurrency: int = 20
    local_grant_on_signup: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def site_origin(self):
        scheme, _, rest = self.site_url.partition("://")
        return f"{scheme}://{rest.split('/')[0]}"

    @property
    def cookie_name(self):
        # The __Host- prefix demands Secure; the local stack on plain http cannot set it.
        return "__Host-session" if self.cookie_secure else "session"

    def table_name(self, name):
        return f"{self.table_prefix}{name}"

    def get(self, name, default=""):
        return self.extra.get(name, default)

    def validate(self):
        if self.stage not in STAGES:
            raise SettingsError(f"STAGE must be one of {', '.join(STAGES)}")
        if not 0 < self.image_url_seconds <= MAX_IMAGE_URL_SECONDS:
            raise SettingsError("IMAGE_URL_SECONDS is between 1 and 900")
        if self.image_attempts < 1 or self.image_timeout_seconds <= 0:
            raise SettingsError("OPENAI_IMAGE_ATTEMPTS >= 1 and a positive timeout")
        if self.local_grant_on_signup and self.stage != "local":
            raise SettingsError("LOCAL_GRANT_ON_SIGNUP is for the local stack only")
        if self.stage != "prod":
            return self
        weak = [name for name, value in (("SESSION_KEYS", ",".join(self.session_keys)),
                                         ("HASH_KEY", self.hash_key))
                if not value or DEV_SECRET_MARKER in value or len(value) < 32]
        if weak:
            raise SettingsError(f"prod refuses missing or development secrets: {', '.join(weak)}")
        if not self.cookie_secure or not self.site_url.startswith("https://"):
            raise SettingsError("prod needs SITE_URL on https and secure cookies")
        if not self.operator_name or not self.operator_email:
            raise SettingsError("prod needs OPERATOR_NAME and OPERATOR_EMAIL")
        if not self.openai_api_key:
            # Without the key the offline renderer would sell "offline preview" panels.
            raise SettingsError("prod needs OPENAI_API_KEY")
        if self.openai_base_url and not self.openai_base_url.startswith("https://"):
            raise SettingsError("prod needs OPENAI_BASE_URL on https (or unset)")
        if self.local_grant_on_signup:
            raise SettingsError("LOCAL_GRANT_ON_SIGNUP is for the local stack only")
        return self


def _ssm_secrets(prefix):
    import boto3

    client = boto3.client("ssm")
    found = {}
    for page in client.get_paginator("get_parameters_by_path").paginate(
            Path=prefix, WithDecryption=True):
        for parameter in page["Parameters"]:
            found[parameter["Name"].rsplit("/", 1)[-1]] = parameter["Value"]
    return found


def load(env=None):
    env = dict(os.environ if env is None else env)
    if env.get("SSM_PARAMETER_PREFIX"):
        for name, value in _ssm_secrets(env["SSM_PARAMETER_PREFIX"]).items():
            env.setdefault(name, value)
    stage = env.get("STAGE", "local")
    dev_key = f"{DEV_SECRET_MARKER}-key-for-{stage}-only-0123456789abcdef"
    return Settings(
        stage=stage,
        region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "eu-west-3")),
        table_prefix=env.get("TABLE_PREFIX", f"caaartoons-{stage}-"),
        images_bucket=env.get("IMAGES_BUCKET", f"caaartoons-{stage}-images"),
        queue_name=env.get("GENERATION_QUEUE", f"caaartoons-{stage}-generation"),
        site_url=env.get("SITE_URL", "http://localhost:8000").rstrip("/"),
        session_keys=_split(env.get("SESSION_KEYS", dev_key)),
        hash_key=env.get("HASH_KEY", dev_key),
        cookie_secure=_bool(env.get("COOKIE_SECURE", "true" if stage == "prod" else "false")),
        mail_from=env.get("MAIL_FROM", "Caaartoons <signin@localhost>"),
        resend_api_key=env.get("RESEND_API_KEY", ""),
        outbox_dir=env.get("OUTBOX_DIR", os.path.join(".local", "outbox")),
        operator_name=env.get("OPERATOR_NAME", "" if stage == "prod" else "The operator (local)"),
        operator_email=env.get("OPERATOR_EMAIL",
                               "" if stage == "prod" else "privacy@example.invalid"),
        log_level=env.get("LOG_LEVEL", "INFO"),
        **_generation_settings(env),
        extra={k: v for k, v in env.items() if k.isupper()},
    ).validate()


def _number(env, name, default, kind=int):
    try:
        return kind(env.get(name, default))
    except ValueError:
        raise SettingsError(f"{name} must be a number") from None


def _generation_settings(env):
    return {
        "openai_api_key": env.get("OPENAI_API_KEY", ""),
        "openai_base_url": env.get("OPENAI_BASE_URL", ""),
        "image_model": env.get("OPENAI_IMAGE_MODEL", "gpt-image-2"),
        "image_size": env.get("OPENAI_IMAGE_SIZE", "1024x1024"),
        "moderation_model": env.get("OPENAI_MODERATION_MODEL", "omni-moderation-latest"),
        "image_timeout_seconds": _number(env, "OPENAI_IMAGE_TIMEOUT_SECONDS", 240, float),
        "image_attempts": _number(env, "OPENAI_IMAGE_ATTEMPTS", 3),
        "retry_backoff_seconds": _number(env, "OPENAI_RETRY_BACKOFF_SECONDS", 2, float),
        "quality_credits": _credits_by_quality(env.get("QUALITY_CREDITS",
                                                       DEFAULT_QUALITY_CREDITS)),
        "image_url_seconds": _number(env, "IMAGE_URL_SECONDS", 600),
        "stuck_scene_seconds": _number(env, "STUCK_SCENE_SECONDS", 3600),
        "worker_concurrency": _number(env, "WORKER_CONCURRENCY", 20),
        "local_grant_on_signup": _number(env, "LOCAL_GRANT_ON_SIGNUP", 0),
    }


@functools.lru_cache(maxsize=1)
def get_settings():
    return load()


def describe(settings):
    """A JSON-able view without secrets, for start-up logs."""
    return json.dumps({"stage": settings.stage, "region": settings.region,
                       "site_url": settings.site_url, "tables": settings.table_prefix})
