"""Every setting, read from the environment in one place.

Every variable the code reads is one entry of SETTINGS (its variable, default, parser and whether
it is a secret), and the Settings class is made from it; nothing else reads the environment.
Secrets come from the environment or, when SSM_PARAMETER_PREFIX is set, from SSM Parameter Store
at start: only the parameters SSM_SECRET_NAMES lists (each function's own, see infra/build.py).
They never show in a repr. The prod stage refuses to start with a missing or development secret
it was given.
"""

import functools
import json
import os
from dataclasses import FrozenInstanceError, field, fields, make_dataclass
from typing import NamedTuple

from chalicelib.core import image_models
from chalicelib.core.patterns import Pattern

DEV_SECRET_MARKER = "dev-insecure"  # noqa: S105  (marks keys prod refuses)
STAGES = ("local", "test", "prod")
# Secrets prod checks for strength: long random keys, current first, any previous after.
STRONG_SECRETS = ("SESSION_KEYS", "HASH_KEY", "ORIGIN_SECRETS")
SSM_MAX_NAMES = 10  # GetParameters takes at most ten names


# Credit packs: "id:credits:price in euro cents" (CREDIT_PACKS overrides).
CURRENCY = "eur"
DEFAULT_CREDIT_PACKS = "small:10:500,medium:30:1200,large:100:3500"
PACK_ID = Pattern(r"^[a-z0-9][a-z0-9-]{0,23}$")
STRIPE_MIN_AMOUNT = 50  # Stripe refuses card payments under 0.50 EUR
# Quality levels: the provider's quality name -> credits per scene (QUALITY_CREDITS overrides).
DEFAULT_QUALITY_CREDITS = "low=1,medium=2,high=4"
# The text model that drafts a cartoon from an idea: a dated snapshot, so answers do not drift.
DEFAULT_DRAFT_MODEL = "gpt-5.4-mini-2026-03-17"
# The vision model that looks at each drawn panel (adapters/look.py): the drafting model's
# family, a dated snapshot; and its price per million tokens (input/output), in the site's
# currency: OpenAI's published price taken one for one (OPENAI_LOOK_PRICE overrides it).
DEFAULT_LOOK_MODEL = DEFAULT_DRAFT_MODEL
DEFAULT_LOOK_PRICE = "0.75/4.5"
MAX_IMAGE_URL_SECONDS = 15 * 60
# Image models by quality level: level=model:quality (SCENE_MODELS overrides any of them).
# Dated snapshots, so a model never changes under us; for scenes the Sunburst variant, which
# OpenAI recommends where reference subjects must stay the same from image to image. The SDK
# lists no dated snapshot of 2.6 yet: 2.5's 2026-09-08 snapshot is the newest pinned one.
DEFAULT_IMAGE_MODEL = "gpt-image-2.5-sunburst-2026-09-08"
DEFAULT_SCENE_MODELS = (f"low={DEFAULT_IMAGE_MODEL}:low,medium={DEFAULT_IMAGE_MODEL}:medium,"
                        f"high={DEFAULT_IMAGE_MODEL}:high")
# The model that draws character references (REFERENCE_MODEL), at their tier's quality: the
# cartoon's level, never below the floor (core/vocabulary.py `reference_tier`).
DEFAULT_REFERENCE_MODEL = DEFAULT_IMAGE_MODEL
# Provider prices per million tokens, in the site's currency (CURRENCY), by model:
# model=text input/image input/output (IMAGE_PRICES overrides any of them). The defaults are
# OpenAI's published GPT Image per-token prices ($5, $8, $32) taken one for one: set yours.
DEFAULT_IMAGE_PRICE = (5.0, 8.0, 32.0)
# OpenAI's usage tier (OPENAI_TIER, 1..5) -> images a minute the tier allows, most worker
# Lambdas at once (the SQS event source's MaximumConcurrency, 2..1000), and reference draws in
# parallel in one job. An image takes 30 to 60 s, so n workers ask for about n images a minute;
# a 429 beyond that waits its turn on the queue (README: rate limits).
OPENAI_TIERS = {1: (5, 3, 2), 2: (20, 10, 4), 3: (50, 25, 6), 4: (150, 75, 6),
                5: (250, 125, 6)}
MAX_SCENE_VERSIONS = 20  # each is a few hundred bytes of the scene's item (DynamoDB: 400 KB)
# How often the scheduled cleanup runs (app.py); the privacy page states it.
CLEANUP_EVERY_MINUTES = 15


class SettingsError(RuntimeError):
    """The configuration is unsafe or incomplete for the stage."""


class Pack(NamedTuple):
    """A credit pack on sale: `amount` is in the currency's smallest unit (cents)."""

    pack_id: str
    credits: int
    amount: int
    currency: str

    @property
    def label(self):
        return f"{self.credits} credits"


def _packs(value, currency):
    packs = []
    for part in _split(value):
        pieces = part.split(":")
        if (len(pieces) != 3 or not PACK_ID.fullmatch(pieces[0])
                or not all(p.isdigit() for p in pieces[1:]) or int(pieces[1]) <= 0
                or int(pieces[2]) < STRIPE_MIN_AMOUNT):
            raise SettingsError(f"CREDIT_PACKS: {part!r} is not id:credits:cents "
                                f"(at least {STRIPE_MIN_AMOUNT} cents)")
        packs.append(Pack(pieces[0], int(pieces[1]), int(pieces[2]), currency))
    if not packs or len({p.pack_id for p in packs}) != len(packs):
        raise SettingsError("CREDIT_PACKS needs at least one pack and unique ids")
    return tuple(packs)


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


def _model_pair(value, name):
    model, _, quality = value.strip().rpartition(":")
    known = image_models.get(model)
    if known is None:
        raise SettingsError(f"{name}: {image_models.why_unknown(model)}")
    if quality not in known.qualities:
        raise SettingsError(f"{name}: {model} takes quality {', '.join(known.qualities)}, "
                            f"not {quality!r}")
    return model, quality


def _image_model(value, name):
    model = value.strip()
    if image_models.get(model) is None:
        raise SettingsError(f"{name}: {image_models.why_unknown(model)}")
    return model


def _scene_models(value):
    """level -> (model, quality): the defaults, with any level SCENE_MODELS names replaced."""
    pairs = {}
    for source in (DEFAULT_SCENE_MODELS, value):
        for part in _split(source):
            level, _, pair = part.partition("=")
            if not level.strip() or not pair:
                raise SettingsError("SCENE_MODELS is like high=model:quality,low=model:quality")
            pairs[level.strip()] = _model_pair(pair, "SCENE_MODELS")
    return pairs


def _prices(value):
    """model -> (text input, image input, output) per million tokens."""
    prices = {name: DEFAULT_IMAGE_PRICE for name in image_models.MODELS}
    for part in _split(value):
        model, _, numbers = part.partition("=")
        pieces = numbers.split("/")
        try:
            amounts = tuple(float(p) for p in pieces)
        except ValueError:
            amounts = ()
        if model.strip() not in image_models.MODELS:
            raise SettingsError(f"IMAGE_PRICES: {image_models.why_unknown(model.strip())}")
        if len(amounts) != 3 or any(not 0 <= a < 10_000 for a in amounts):
            raise SettingsError("IMAGE_PRICES is like model=5/8/32 (text input/image input/"
                                "output per million tokens)")
        prices[model.strip()] = amounts
    return prices


def _look_price(value):
    """(input, output) per million tokens."""
    try:
        amounts = tuple(float(p) for p in value.split("/"))
    except ValueError:
        amounts = ()
    if len(amounts) != 2 or any(not 0 <= a < 10_000 for a in amounts):
        raise SettingsError("OPENAI_LOOK_PRICE is like 0.75/4.5 (input/output per million "
                            "tokens)")
    return amounts


def _bool(value):
    return value.strip().lower() in ("1", "true", "yes", "on")


class _FrozenFields:
    """What `dataclass(frozen=True)` would generate for the settings, written once for any
    number of fields: generating and compiling it for some sixty fields cost every cold start
    about 3 ms (benchmarks/cold_start.py). The class stays a dataclass (`dataclasses.fields`,
    `replace`); it is built, compared, hashed and shown as a frozen one would be, and refuses
    any change."""

    def __init__(self, **values):
        names = [f.name for f in fields(self)]
        if set(values) != set(names):
            raise TypeError(f"{type(self).__name__} takes exactly its fields: missing "
                            f"{sorted(set(names) - set(values))}, unknown "
                            f"{sorted(set(values) - set(names))}")
        for name in names:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __repr__(self):
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{type(self).__qualname__}({shown})"

    def _values(self):
        return tuple(getattr(self, f.name) for f in fields(self))

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash(self._values())


class _SettingsRules:
    """What the settings answer and check; the fields themselves come from SETTINGS."""

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

    @property
    def local_checkout(self):
        """The stand-in checkout runs only off prod, without a Stripe key, and never in a
        Lambda (whatever its stage): it signs events with the webhook secret."""
        return (self.stage != "prod" and not self.stripe_secret_key
                and not self.lambda_function_name)

    def pack(self, pack_id):
        return next((p for p in self.credit_packs if p.pack_id == pack_id), None)

    def validate(self):
        if self.stage not in STAGES:
            raise SettingsError(f"STAGE must be one of {', '.join(STAGES)}")
        if not 0 < self.image_url_seconds <= MAX_IMAGE_URL_SECONDS:
            raise SettingsError("IMAGE_URL_SECONDS is between 1 and 900")
        if self.image_attempts < 1 or self.image_timeout_seconds <= 0:
            raise SettingsError("OPENAI_IMAGE_ATTEMPTS >= 1 and a positive timeout")
        self._validate_models()
        if not 1 <= self.scene_versions_kept <= MAX_SCENE_VERSIONS:
            raise SettingsError(f"SCENE_VERSIONS_KEPT is between 1 and {MAX_SCENE_VERSIONS}")
        if self.stage != "prod":
            return self
        self._validate_secrets()
        if not self.cookie_secure or not self.site_url.startswith("https://"):
            raise SettingsError("prod needs SITE_URL on https and secure cookies")
        if not self.operator_name or not self.operator_email:
            raise SettingsError("prod needs OPERATOR_NAME and OPERATOR_EMAIL")
        self._validate_payments()
        if self.openai_base_url and not self.openai_base_url.startswith("https://"):
            raise SettingsError("prod needs OPENAI_BASE_URL on https (or unset)")
        return self

    def _validate_models(self):
        """Every quality level has a scene model that takes any cell's size (pages ask for
        each cell's own WIDTHxHEIGHT), and the reference model takes OPENAI_IMAGE_SIZE."""
        missing = sorted(set(self.quality_credits) - set(self.scene_models))
        if missing:
            raise SettingsError(f"SCENE_MODELS has no model for quality {', '.join(missing)}")
        for level, (model, _) in self.scene_models.items():
            if not image_models.get(model).arbitrary_sizes:
                raise SettingsError(f"SCENE_MODELS: {model} ({level}) takes only the sizes "
                                    f"{', '.join(image_models.STANDARD_SIZES)}; scenes are "
                                    "drawn at each page cell's size")
        reference = image_models.get(self.reference_model)
        if not reference.accepts_size(self.image_size):
            raise SettingsError(f"OPENAI_IMAGE_SIZE {self.image_size!r} is not a size "
                                f"{self.reference_model} accepts")
        for level, (_, quality) in self.scene_models.items():
            if quality not in reference.qualities:
                raise SettingsError(f"REFERENCE_MODEL: {self.reference_model} does not take "
                                    f"quality {quality!r}, which references of {level} "
                                    "cartoons may be drawn at")
        if self.openai_tier not in OPENAI_TIERS:
            raise SettingsError(f"OPENAI_TIER is one of {', '.join(map(str, OPENAI_TIERS))}")
        if not 2 <= self.worker_concurrency <= 1000 or self.reference_parallelism < 1:
            raise SettingsError("WORKER_CONCURRENCY is between 2 and 1000 (SQS's limits)")

    def scene_model(self, level):
        """(model, quality) that draws a scene of this quality level."""
        return self.scene_models[level]

    def reference_pair(self, level):
        """(model, quality) that draws a reference of this tier: the reference model at the
        quality the level's scenes are drawn at."""
        return self.reference, self.scene_models[level][1]

    def reference_pairs(self):
        return {level: self.reference_pair(level) for level in self.scene_models}

    @property
    def reference_model(self):
        return self.reference

    @property
    def reference_parallelism(self):
        """Reference draws in parallel in one job: the tier's."""
        return OPENAI_TIERS[self.openai_tier][2]

    def _validate_secrets(self):
        """Each secret this function was given: strong keys, and live provider keys."""
        strong = {"SESSION_KEYS": self.session_keys, "HASH_KEY": [self.hash_key],
                  "ORIGIN_SECRETS": self.origin_secrets}
        weak = [name for name in STRONG_SECRETS if name in self.secret_names
                and (not strong[name] or any(DEV_SECRET_MARKER in value or len(value) < 32
                                             for value in strong[name]))]
        if weak:
            raise SettingsError(f"prod refuses missing or development secrets: {', '.join(weak)}")
        # Without the key the offline renderer would sell "offline preview" panels.
        if "OPENAI_API_KEY" in self.secret_names and not self.openai_api_key:
            raise SettingsError("prod needs OPENAI_API_KEY")
        if ("STRIPE_SECRET_KEY" in self.secret_names
                and not self.stripe_secret_key.startswith(("sk_live_", "rk_live_"))):
            raise SettingsError("prod needs a live STRIPE_SECRET_KEY (sk_live_ or rk_live_)")
        if ("STRIPE_WEBHOOK_SECRET" in self.secret_names
                and not self.stripe_webhook_secret.startswith("whsec_")):
            raise SettingsError("prod needs STRIPE_WEBHOOK_SECRET (whsec_...)")

    def _validate_payments(self):
        if self.stripe_api_base:
            raise SettingsError("prod talks to Stripe itself: unset STRIPE_API_BASE")
        for url in (self.checkout_success_url, self.checkout_cancel_url):
            if not url.startswith(self.site_origin + "/"):
                raise SettingsError("checkout return URLs must be on SITE_URL")


class _Declared(NamedTuple):
    env: str
    default: object
    parse: object
    secret: bool = False


class Setting(_Declared):
    """One setting: the variable it is read from, its default (text, or a function of the
    settings declared above it, for defaults that depend on the stage or the site's URL), the
    parser that turns the text into the value, and whether it is a secret (never in a repr;
    read from SSM in prod)."""

    __slots__ = ()

    def __new__(cls, env, default, parse, secret=False):
        if not isinstance(default, str) and not callable(default):
            raise SettingsError(f"{env} is declared without a default")
        if not callable(parse):
            raise SettingsError(f"{env} is declared without a parser")
        return super().__new__(cls, env, default, parse, secret)

    def default_for(self, known):
        return self.default(known) if callable(self.default) else self.default


def _text(value):
    return value


def _integer(value):
    return int(value)


def _decimal(value):
    return float(value)


def _optional_decimal(value):
    return float(value) if value else None


def _no_trailing_slash(value):
    return value.rstrip("/")


def _tuple(value):
    return tuple(_split(value))


def _given_secrets(value):
    """The secrets this function reads: SSM_SECRET_NAMES, or every one."""
    names = tuple(_split(value)) or SECRET_NAMES
    unknown = set(names) - set(SECRET_NAMES)
    if unknown or len(names) > SSM_MAX_NAMES:
        raise SettingsError(f"SSM_SECRET_NAMES: unknown names {sorted(unknown)}")
    return names


def _dev_key(known):
    """Off prod, working keys out of the box; in prod a secret a function was not given stays
    empty, never a known key."""
    if known["stage"] == "prod":
        return ""
    return f"{DEV_SECRET_MARKER}-key-for-{known['stage']}-only-0123456789abcdef"


def _off_prod(value):
    return lambda known: "" if known["stage"] == "prod" else value


# Every setting, once: field name -> where it is read from, its default and its parser. Order
# matters only where a default reads a setting above it (the stage, the site's URL, the tier).
SETTINGS = {
    "stage": Setting("STAGE", "local", _text),
    # Lambda sets both names; the SDKs read AWS_DEFAULT_REGION.
    "region": Setting("AWS_REGION", lambda known: known["env"].get("AWS_DEFAULT_REGION",
                                                                   "eu-west-3"), _text),
    "table_prefix": Setting("TABLE_PREFIX", lambda known: f"caaartoons-{known['stage']}-", _text),
    "images_bucket": Setting("IMAGES_BUCKET", lambda known: f"caaartoons-{known['stage']}-images",
                             _text),
    "queue_name": Setting("GENERATION_QUEUE",
                          lambda known: f"caaartoons-{known['stage']}-generation", _text),
    "site_url": Setting("SITE_URL", "http://localhost:8000", _no_trailing_slash),
    "session_keys": Setting("SESSION_KEYS", _dev_key, _split, secret=True),
    "hash_key": Setting("HASH_KEY", _dev_key, _text, secret=True),
    "cookie_secure": Setting("COOKIE_SECURE",
                             lambda known: "true" if known["stage"] == "prod" else "false", _bool),
    "mail_from": Setting("MAIL_FROM", "Caaartoons <signin@localhost>", _text),
    "resend_api_key": Setting("RESEND_API_KEY", "", _text, secret=True),
    "outbox_dir": Setting("OUTBOX_DIR", os.path.join(".local", "outbox"), _text),
    "operator_name": Setting("OPERATOR_NAME", _off_prod("The operator (local)"), _text),
    "operator_email": Setting("OPERATOR_EMAIL", _off_prod("privacy@example.invalid"), _text),
    "log_level": Setting("LOG_LEVEL", "INFO", _text),
    "log_retention_days": Setting("LOG_RETENTION_DAYS", "30", _integer),
    "export_retention_hours": Setting("EXPORT_RETENTION_HOURS", "24", _integer),
    "accounting_retention_years": Setting("ACCOUNTING_RETENTION_YEARS", "10", _integer),
    "backup_retention_days": Setting("BACKUP_RETENTION_DAYS", "14", _integer),
    "privacy_updated": Setting("PRIVACY_UPDATED", "2026-12-06", _text),
    # Payments: with no secret key, a local checkout stands in for Stripe (never in prod).
    "stripe_secret_key": Setting("STRIPE_SECRET_KEY", "", _text, secret=True),
    "stripe_webhook_secret": Setting("STRIPE_WEBHOOK_SECRET", "", _text, secret=True),
    "stripe_api_base": Setting("STRIPE_API_BASE", "", _no_trailing_slash),
    "credit_packs": Setting("CREDIT_PACKS", DEFAULT_CREDIT_PACKS,
                            lambda value: _packs(value, CURRENCY)),
    "checkout_success_url": Setting(
        "CHECKOUT_SUCCESS_URL",
        lambda known: (f"{known['site_url']}/credits-success.html"
                       "?session_id={CHECKOUT_SESSION_ID}"), _text),
    "checkout_cancel_url": Setting(
        "CHECKOUT_CANCEL_URL", lambda known: f"{known['site_url']}/credits-cancelled.html", _text),
    # Generation.
    "openai_api_key": Setting("OPENAI_API_KEY", "", _text, secret=True),
    "openai_base_url": Setting("OPENAI_BASE_URL", "", _text),
    # Quality level -> (model, quality) for scenes; references: one model, at their tier's
    # quality.
    "scene_models": Setting("SCENE_MODELS", "", _scene_models),
    "reference": Setting("REFERENCE_MODEL", DEFAULT_REFERENCE_MODEL,
                         lambda value: _image_model(value, "REFERENCE_MODEL")),
    "image_prices": Setting("IMAGE_PRICES", "", _prices),
    "image_size": Setting("OPENAI_IMAGE_SIZE", "1024x1024", _text),
    "moderation_model": Setting("OPENAI_MODERATION_MODEL", "omni-moderation-latest", _text),
    # Drafting a cartoon from an idea (cartoons/drafting.py): a dated text model snapshot.
    "draft_model": Setting("OPENAI_DRAFT_MODEL", DEFAULT_DRAFT_MODEL, _text),
    "draft_timeout_seconds": Setting("OPENAI_DRAFT_TIMEOUT_SECONDS", "20", _decimal),
    # Looking at each drawn panel (adapters/look.py): a dated vision model snapshot.
    "look_model": Setting("OPENAI_LOOK_MODEL", DEFAULT_LOOK_MODEL, _text),
    "look_price": Setting("OPENAI_LOOK_PRICE", DEFAULT_LOOK_PRICE, _look_price),
    "look_timeout_seconds": Setting("OPENAI_LOOK_TIMEOUT_SECONDS", "30", _decimal),
    "image_timeout_seconds": Setting("OPENAI_IMAGE_TIMEOUT_SECONDS", "240", _decimal),
    "image_attempts": Setting("OPENAI_IMAGE_ATTEMPTS", "3", _integer),
    "retry_backoff_seconds": Setting("OPENAI_RETRY_BACKOFF_SECONDS", "2", _decimal),
    "quality_credits": Setting("QUALITY_CREDITS", DEFAULT_QUALITY_CREDITS, _credits_by_quality),
    "image_url_seconds": Setting("IMAGE_URL_SECONDS", "600", _integer),
    "stuck_scene_seconds": Setting("STUCK_SCENE_SECONDS", "3600", _integer),
    "openai_tier": Setting("OPENAI_TIER", "1", _integer),
    # The tier's worker Lambdas at once, unless WORKER_CONCURRENCY says otherwise.
    "worker_concurrency": Setting(
        "WORKER_CONCURRENCY",
        lambda known: str(OPENAI_TIERS.get(known["openai_tier"], OPENAI_TIERS[1])[1]), _integer),
    # Drawings kept per scene; the oldest not shown goes beyond.
    "scene_versions_kept": Setting("SCENE_VERSIONS_KEPT", "5", _integer),
    # The secret CloudFront adds to every API request: the current value first, then the
    # previous one during a rotation (core/web.origin_middleware).
    "origin_secrets": Setting("ORIGIN_SECRETS", _dev_key, _tuple, secret=True),
    # The secrets this function was given (SSM_SECRET_NAMES): prod checks only those.
    "secret_names": Setting("SSM_SECRET_NAMES", "", _given_secrets),
    "ssm_parameter_prefix": Setting("SSM_PARAMETER_PREFIX", "", _text),
    # Local stack and tests only (infra/build.py NOT_IN_PROD).
    "aws_endpoint_url": Setting("AWS_ENDPOINT_URL", "", _text),
    "resend_api_url": Setting("RESEND_API_URL", "", _text),
    "offline_draw_seconds": Setting("OFFLINE_DRAW_SECONDS", "", _optional_decimal),
    # Set by Lambda itself: the local checkout never runs inside a Lambda.
    "lambda_function_name": Setting("AWS_LAMBDA_FUNCTION_NAME", "", _text),
}

SECRET_NAMES = tuple(entry.env for entry in SETTINGS.values() if entry.secret)
Settings = make_dataclass(
    "Settings", [(name, object, field(repr=not entry.secret)) for name, entry in SETTINGS.items()],
    bases=(_FrozenFields, _SettingsRules), init=False, repr=False, eq=False,
    namespace={"__module__": __name__, "__doc__": "Every setting's value, by its SETTINGS name."})


def default(env_name):
    """The default text of a setting that does not depend on another (infra/build.py's)."""
    entry = next(e for e in SETTINGS.values() if e.env == env_name)
    if callable(entry.default):
        raise SettingsError(f"{env_name}'s default depends on other settings")
    return entry.default


def _ssm_secrets(prefix, names):
    """The named parameters under `prefix`, by exact name: a function's policy grants those
    parameters and no others (ssm:GetParameters, never a whole path)."""
    import boto3  # only where secrets come from SSM, once per cold start

    answer = boto3.client("ssm").get_parameters(
        Names=[f"{prefix.rstrip('/')}/{name}" for name in names], WithDecryption=True)
    return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in answer["Parameters"]}


def _read(name, env, known):
    entry = SETTINGS[name]
    text = env.get(entry.env)
    if text is None:
        text = entry.default_for({**known, "env": env})
    try:
        return entry.parse(text)
    except ValueError:
        raise SettingsError(f"{entry.env} must be a number") from None


def load(env=None):
    env = dict(os.environ if env is None else env)
    prefix = _read("ssm_parameter_prefix", env, {})
    if prefix:
        for name, value in _ssm_secrets(prefix, _read("secret_names", env, {})).items():
            env.setdefault(name, value)
    known = {}
    for name in SETTINGS:
        known[name] = _read(name, env, known)
    return Settings(**known).validate()


@functools.lru_cache(maxsize=1)
def get_settings():
    return load()


def describe(settings):
    """A JSON-able view without secrets, for start-up logs."""
    return json.dumps({"stage": settings.stage, "region": settings.region,
                       "site_url": settings.site_url, "tables": settings.table_prefix})
