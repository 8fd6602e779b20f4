"""The privacy policy, in English and French, built from settings and the code's own constants.

Its words are templates in the server's catalogue (core/words, `privacy.*`); every period and
name on the page is a value the code enforces (the link's lifetime, the cookie's, the limit
windows, the cleanup's rhythm, the export's retention), so the page cannot drift from what the
service does.
"""

from chalicelib.accounts import limits
from chalicelib.accounts.links import LINK_TTL
from chalicelib.accounts.sessions import SESSION_TTL
from chalicelib.cartoons import uploads
from chalicelib.core import words
from chalicelib.core.answers import STRING, TEXT, array, obj, ok
from chalicelib.core.settings import CLEANUP_EVERY_MINUTES, get_settings

LANGUAGES = words.LANGUAGES
REGION_NAMES = {"eu-west-3": ("Paris, France", "Paris, France")}
# Each section: its heading's key (privacy.<section>) and its paragraphs' (privacy.<section>_<p>).
SECTIONS = (
    ("controller", ("text",)),
    ("data", ("email", "descriptions", "idea", "images", "share_links", "redraws", "library",
              "ip", "payment", "look", "uploads")),
    ("cookies", ("session", "browser")),
    ("recipients", ("aws", "openai", "openai_look", "resend", "stripe", "transfers")),
    ("retention", ("account", "library", "session", "link", "limits", "logs", "usage",
                   "backups", "exports", "accounting", "uploads")),
    ("rights", ("text",)),
    ("security", ("text",)),
)
UNITS = ((86400, "privacy.days"), (3600, "privacy.hours"), (60, "privacy.minutes"))


def _duration(seconds, lang):
    for size, key in UNITS:
        if seconds % size == 0:
            return words.count(key, seconds // size, lang)
    return words.text("privacy.seconds", lang, n=seconds)


def _values(lang):
    """What the templates name, each as the code enforces it."""
    s = get_settings()

    def d(seconds):
        return _duration(seconds, lang)

    region = REGION_NAMES.get(s.region, (s.region, s.region))[1 if lang == "fr" else 0]
    return {
        "operator_name": s.operator_name, "operator_email": s.operator_email,
        "share_views": limits.RULES["share-view-ip-hour"][0],
        "scene_versions_kept": s.scene_versions_kept, "cookie_name": s.cookie_name,
        "region": s.region, "region_name": region, "draft_model": s.draft_model,
        "look_model": s.look_model,
        "session_ttl": d(SESSION_TTL), "link_ttl": d(LINK_TTL),
        "limit_window": d(max(w for _, w in limits.RULES.values())),
        "cleanup_every": d(CLEANUP_EVERY_MINUTES * 60),
        "log_retention": d(s.log_retention_days * 86400),
        "backup_retention": d(s.backup_retention_days * 86400),
        "export_retention": d(s.export_retention_hours * 3600),
        "accounting_years": s.accounting_retention_years,
        "upload_lifetime": d(uploads.LIFETIME_SECONDS),
    }


def policy(lang="en"):
    if lang not in LANGUAGES:
        lang = "en"
    values = _values(lang)

    def say(key):
        return words.text(f"privacy.{key}", lang, **values)

    return {
        "lang": lang,
        "title": say("title"),
        "updated": get_settings().privacy_updated,
        "updated_label": say("updated_label"),
        "sections": [{"heading": say(section),
                      "paragraphs": [say(f"{section}_{paragraph}") for paragraph in paragraphs]}
                     for section, paragraphs in SECTIONS],
    }


# GET /api/privacy: the policy in the language asked for (English for any other).
POLICY = ok(obj({"lang": TEXT, "title": TEXT, "updated": TEXT, "updated_label": TEXT,
                 "sections": array(obj({"heading": TEXT, "paragraphs": array(STRING)}))}))
QUERY = {"lang": {"type": "string", "description": "en or fr; any other gives English."}}
