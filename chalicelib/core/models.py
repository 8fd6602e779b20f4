"""PynamoDB models: the single definition of every table, used by the code, `make run` and infra.

Items that expire carry `expires_at` (checked in code on every read: DynamoDB's TTL deletes up
to ~48 h late), a TTL attribute, and `expiry_hour` so the cleanup finds them with a query on the
expiry index instead of a scan.
"""

import datetime
import functools
import time

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core import clock, ids
from chalicelib.core.settings import get_settings

_settings = get_settings()


def as_datetime(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)


def expiry_hour(epoch):
    return time.strftime("%Y%m%d%H", time.gmtime(epoch))


# DynamoDB's TTL may lag ~48 h; what queries by hour looks back a little further than that.
LOOKBACK_HOURS = 72


def hours_up_to(epoch, lookback=LOOKBACK_HOURS):
    """The `expiry_hour` buckets from `lookback` hours before `epoch` to its own, oldest first:
    what the cleanup queries instead of scanning."""
    return [expiry_hour(epoch - 3600 * back) for back in range(lookback, -1, -1)]


@functools.lru_cache(maxsize=1)
def _connection():
    return Connection(region=_settings.region)


def transaction():
    """A TransactWrite: all its writes and conditions succeed together or not at all."""
    return TransactWrite(connection=_connection())


class BaseMeta:
    region = _settings.region
    billing_mode = "PAY_PER_REQUEST"


class ExpiryIndex(GlobalSecondaryIndex):
    """Items by the hour they expire in, so the cleanup queries instead of scanning."""

    class Meta:
        index_name = "by-expiry"
        projection = KeysOnlyProjection()

    expiry_hour = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute(range_key=True)


class ExpiringModel(Model):
    """Abstract: an item with an expiry checked on read and cleaned by the schedule."""

    expires_at = NumberAttribute()
    expiry_hour = UnicodeAttribute()
    ttl = TTLAttribute(null=True)

    def set_expiry(self, epoch):
        self.expires_at = int(epoch)
        self.expiry_hour = expiry_hour(epoch)
        self.ttl = as_datetime(epoch)

    def expired(self, now=None):
        return self.expires_at <= (clock.now() if now is None else now)


class Account(Model):
    class Meta(BaseMeta):
        table_name = _settings.table_name("accounts")

    account_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    email_key = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    # Live session ids, each "<issued epoch>.<random>": removing one ends that session at once.
    session_ids = UnicodeSetAttribute(null=True)
    balance = NumberAttribute(default=0)
    # Set when erasure starts: the account signs nobody in again and is removed last.
    deleting_since = NumberAttribute(null=True)
    # The export being prepared and when its claim lapses: one export in flight at a time.
    export_active = UnicodeAttribute(null=True)
    export_busy_until = NumberAttribute(null=True)


class EmailIndex(Model):
    """One item per keyed hash of an address: makes addresses unique across accounts."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("emails")

    email_key = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute()


class LinksByEmail(GlobalSecondaryIndex):
    """A person's pending links, so erasing an account can find them without a scan."""

    class Meta:
        index_name = "by-email"
        projection = KeysOnlyProjection()

    email_key = UnicodeAttribute(hash_key=True)


class LinksByAccount(GlobalSecondaryIndex):
    """Address-change links of an account (sparse: sign-in links carry no account id)."""

    class Meta:
        index_name = "by-account"
        projection = KeysOnlyProjection()

    account_id = UnicodeAttribute(hash_key=True)


class SignInLink(ExpiringModel):
    class Meta(BaseMeta):
        table_name = _settings.table_name("links")

    token_hash = UnicodeAttribute(hash_key=True)
    purpose = UnicodeAttribute()  # "signin" or "email-change"
    email = UnicodeAttribute()
    email_key = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)
    used_at = NumberAttribute(null=True)
    by_expiry = ExpiryIndex()
    by_email = LinksByEmail()
    by_account = LinksByAccount()


class LimitWindow(ExpiringModel):
    """A fixed-window counter keyed by a keyed hash that includes the window start."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("limits")

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    by_expiry = ExpiryIndex()


class LedgerEntry(Model):
    """One change of an account's balance; the balance is always the sum of these."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("ledger")

    account_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)  # "<epoch ms>#<random>": newest first by query
    delta = NumberAttribute()
    reason = UnicodeAttribute()
    cause_key = UnicodeAttribute()
    note = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    # A clawback takes at most the balance; what it could not take is recorded here.
    unrecovered = NumberAttribute(null=True)
    # What happened, as the history words it (money/credits.py `what`): kind, title, counts,
    # the cartoon's id; written with the entry, so a title outlives its cartoon.
    what = JSONAttribute(null=True)


class AppliedCause(Model):
    """Marks a cause (a checkout, a cartoon, a scene's refund) as applied: never twice."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("causes")

    cause_key = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    delta = NumberAttribute()


class PendingErasure(Model):
    """An erasure under way; the cleanup resumes it after `resume_at` if it was interrupted."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("erasures")

    account_id = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute()  # when the cleanup may resume it
    expiry_hour = UnicodeAttribute()
    by_expiry = ExpiryIndex()


class PaymentIndex(GlobalSecondaryIndex):
    """Purchases by Stripe payment intent, so a refund or a dispute finds its purchase.
    Sparse: only paid purchases carry a payment intent."""

    class Meta:
        index_name = "by-payment"
        projection = KeysOnlyProjection()

    payment_intent = UnicodeAttribute(hash_key=True)


# Purchases of an erased account are kept for accounting under a random pseudonym that starts
# with this, in place of the account id.
ERASED_PREFIX = "erased-"


class Purchase(Model):
    """One checkout of a credit pack, from its creation to its refunds and disputes. What was
    sold (pack, credits, amount) is recorded when the checkout starts: the webhook checks the
    paid session against it, so a later price change never breaks a payment in flight."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("purchases")

    account_id = UnicodeAttribute(hash_key=True)
    purchase_id = UnicodeAttribute(range_key=True)  # "<epoch ms>#<random>": newest first
    session_id = UnicodeAttribute(null=True)  # the Stripe Checkout Session
    pack = UnicodeAttribute()
    credits = NumberAttribute()
    amount = NumberAttribute()  # in cents
    currency = UnicodeAttribute()
    # open -> pending (async payment) -> paid | failed; open -> expired;
    # paid -> partially_refunded | refunded
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    paid_at = UTCDateTimeAttribute(null=True)
    payment_intent = UnicodeAttribute(null=True)
    amount_refunded = NumberAttribute(default=0)  # cumulative, as Stripe reports it
    credits_reversed = NumberAttribute(default=0)  # what refunds and lost disputes call for
    credits_clawed_back = NumberAttribute(default=0)  # what was taken from the balance
    credits_unrecovered = NumberAttribute(default=0)  # what the balance could not cover
    dispute_id = UnicodeAttribute(null=True)
    dispute_status = UnicodeAttribute(null=True)
    dispute_amount = NumberAttribute(null=True)
    dispute_lost_amount = NumberAttribute(default=0)
    by_payment = PaymentIndex()


class CharacterSpec(MapAttribute):
    """A character and its reference picture. The reference fields are None on cartoons made
    before references were shown (their reference lives at `characters/<n>.png`)."""

    name = UnicodeAttribute()
    description = UnicodeAttribute()
    # queued -> drawing -> done | failed; a redraw (before the cast is approved) queues the
    # next attempt. Every move is a conditional write on (state, attempt) of this element.
    state = UnicodeAttribute(null=True)
    attempt = NumberAttribute(null=True)  # 0 = paid with the cartoon, n = the n-th redraw
    credits = NumberAttribute(null=True)  # what the current attempt cost (0: from the library)
    since = NumberAttribute(null=True)  # when the drawing was claimed
    # How many times a 429 put this attempt back on the queue: a references job carries the
    # count it was sent with, so a stale or repeated message does not draw it (Scene.requeues).
    requeues = NumberAttribute(null=True)
    # When this attempt was charged and queued: its deadline counts from here (None on older
    # cartoons: the cartoon's creation stands in).
    queued_at = NumberAttribute(null=True)
    note = UnicodeAttribute(null=True)  # the owner's note for this attempt's prompt
    saved_id = UnicodeAttribute(null=True)  # copied from this saved character, not drawn
    upload_id = UnicodeAttribute(null=True)  # drawn from this uploaded picture (uploads.py)
    image_key = UnicodeAttribute(null=True)
    thumb_key = UnicodeAttribute(null=True)
    failure = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    refunded = NumberAttribute(null=True)


CARTOON_ID = ids.ID  # epoch ms, then 8 random hex digits


class ShareIndex(GlobalSecondaryIndex):
    """Cartoons by their share link's id. Sparse: only a shared cartoon has a `share_id`.
    Eventually consistent, so a lookup reads the cartoon again before trusting it."""

    class Meta:
        index_name = "by-share"
        projection = KeysOnlyProjection()

    share_id = UnicodeAttribute(hash_key=True)


class CastInFlightIndex(GlobalSecondaryIndex):
    """Cartoons with a reference queued or drawing, by the hour the oldest of them was
    queued: the cleanup finds stuck ones with a query. Sparse: a settled cast drops its keys."""

    class Meta:
        index_name = "by-cast-inflight"
        projection = KeysOnlyProjection()

    cast_inflight_hour = UnicodeAttribute(hash_key=True)
    cast_inflight_since = NumberAttribute(range_key=True)


class Cartoon(Model):
    """What a person asked for. Keyed by account, newest last by its time-sortable id, so a
    gallery page is one query and erasure deletes by account."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("cartoons")

    account_id = UnicodeAttribute(hash_key=True)
    cartoon_id = UnicodeAttribute(range_key=True)  # CARTOON_ID: time-sortable, newest last
    title = UnicodeAttribute()
    context = UnicodeAttribute()
    style = UnicodeAttribute()  # a preset key, or the person's own words
    style_prompt = UnicodeAttribute()
    quality = UnicodeAttribute()
    credits_per_scene = NumberAttribute()
    scene_count = NumberAttribute()
    cost = NumberAttribute()
    characters = ListAttribute(of=CharacterSpec)
    created_at = UTCDateTimeAttribute()
    strip_key = UnicodeAttribute(null=True)
    strip_thumb_key = UnicodeAttribute(null=True)
    strip_inputs = UnicodeAttribute(null=True)  # hash of what the strip shows: stale if changed
    layout = UnicodeAttribute(null=True)  # a comic/layouts.py template; None (older): "auto"
    # The composed pages (strip_key and strip_thumb_key are page 1's), the PDF and the CBZ.
    page_keys = ListAttribute(of=UnicodeAttribute, null=True)
    page_thumb_keys = ListAttribute(of=UnicodeAttribute, null=True)
    # each page before it is lettered (WebP; "" for a page that has none): the overlay's ground
    page_art_keys = ListAttribute(of=UnicodeAttribute, null=True)
    pdf_key = UnicodeAttribute(null=True)  # A4
    pdf_letter_key = UnicodeAttribute(null=True)  # US Letter
    cbz_key = UnicodeAttribute(null=True)
    # The printed book's print-shop editions (bleed, crop marks) and, for the webtoon layout,
    # its episode images as a zip (comic/book.py, comic/webtoon.py).
    pdf_bleed_key = UnicodeAttribute(null=True)  # A4
    pdf_letter_bleed_key = UnicodeAttribute(null=True)  # US Letter
    webtoon_key = UnicodeAttribute(null=True)
    author = UnicodeAttribute(null=True)  # the owner's chosen name for the title page, if any
    epub_key = UnicodeAttribute(null=True)  # the accessible e-book (comic/epub.py)
    # Each scene alone, lettered for a phone's full width (comic/reader.py), in order.
    reader_keys = ListAttribute(of=UnicodeAttribute, null=True)
    # Where everything landed on the pages: each page's size, each scene's cell, text size and
    # lettering positions, and its reader panel's size and text size (pages.compose).
    geometry = JSONAttribute(null=True)
    # The gallery's summary, so a page is one query: refreshed after every scene moves, under
    # an optimistic version so a stale refresh never overwrites a newer one.
    status = UnicodeAttribute(default="drawing")
    scenes_done = NumberAttribute(default=0)
    cover_key = UnicodeAttribute(null=True)  # the first finished panel's thumbnail
    summary_version = NumberAttribute(default=0)
    # Set when its deletion starts (before its objects go): the worker stops writing for it.
    deleting_since = NumberAttribute(null=True)
    # Its read-only share link (cartoons/sharing.py), off unless the owner made one.
    share_id = UnicodeAttribute(null=True)
    share_created_at = NumberAttribute(null=True)
    share_expires_at = NumberAttribute(null=True)  # None: until revoked
    by_share = ShareIndex()
    # While a reference is queued or drawing (cartoons/cast.py): the hour and epoch the oldest
    # of them was queued, for the cleanup's `by-cast-inflight` query. Removed once settled.
    cast_inflight_hour = UnicodeAttribute(null=True)
    cast_inflight_since = NumberAttribute(null=True)
    by_cast_inflight = CastInFlightIndex()
    # What its images cost at the provider, added (ADD) by every image call (cartoons/costs.py):
    # millionths of the site's currency, tokens, and calls.
    provider_cost = NumberAttribute(null=True)
    provider_tokens = NumberAttribute(null=True)
    image_calls = NumberAttribute(null=True)
    # Looks at drawn panels (adapters/look.py, their cost in provider_cost) and panels redrawn
    # at the service's cost because the look could not find a speaker (worker/drawing.py).
    look_calls = NumberAttribute(null=True)
    free_redraws = NumberAttribute(null=True)
    # The cast (cartoons/cast.py): "auto" (scenes follow the references at once), or
    # "drawing" -> "waiting" (for the owner's approval) -> "approved" | "cancelled" (deleted
    # while waiting). None: a cartoon made before references were shown.
    cast_state = UnicodeAttribute(null=True)


class SavedCharacter(Model):
    """A character kept in an account's library: its texts and a copy of its reference
    picture under `users/<account>/library/`. Kept until its owner deletes it (or the
    account); newest first by its time-sortable id."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("characters")

    account_id = UnicodeAttribute(hash_key=True)
    character_id = UnicodeAttribute(range_key=True)  # CARTOON_ID's shape: time-sortable
    name = UnicodeAttribute()
    description = UnicodeAttribute()
    image_key = UnicodeAttribute()
    thumb_key = UnicodeAttribute()
    source_cartoon_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class InFlightIndex(GlobalSecondaryIndex):
    """Scenes queued or drawing, by the hour they last moved: the cleanup finds stuck ones
    with a query. Sparse: a finished scene drops its keys and leaves the index."""

    class Meta:
        index_name = "by-inflight"
        projection = KeysOnlyProjection()

    inflight_hour = UnicodeAttribute(hash_key=True)
    inflight_since = NumberAttribute(range_key=True)


class Scene(Model):
    """One panel and its state machine: queued -> drawing -> done | failed. Every move is a
    conditional write on (state, attempt), so a redelivered job can never draw or refund twice.
    `attempt` counts paid drawings (0 = the cartoon's own charge, n = the n-th redraw)."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("scenes")

    account_id = UnicodeAttribute(hash_key=True)
    scene_key = UnicodeAttribute(range_key=True)  # "<cartoon_id>#<nn>"
    cartoon_id = UnicodeAttribute()
    number = NumberAttribute()  # 1-based, as people count panels
    action = UnicodeAttribute()
    characters = ListAttribute(of=UnicodeAttribute, default=list)
    caption = UnicodeAttribute(default="")
    dialogue = UnicodeAttribute(default="")
    speaker = UnicodeAttribute(default="")
    # The lettering (comic/lettering.py): [{kind, text, speaker, at?, tail?}] in reading order,
    # and {name: side}. None on older scenes: read as their caption, dialogue and speaker.
    elements = JSONAttribute(null=True)
    staging = JSONAttribute(null=True)
    state = UnicodeAttribute()
    attempt = NumberAttribute(default=0)
    credits = NumberAttribute()  # what the current attempt cost
    charge_key = UnicodeAttribute()  # the ledger cause of the current attempt's charge
    failure = UnicodeAttribute(null=True)  # machine code of the failure
    reason = UnicodeAttribute(null=True)  # what a person reads
    refunded = NumberAttribute(null=True)  # credits given back for the current attempt
    image_key = UnicodeAttribute(null=True)  # the chosen version's panel: what the page shows
    thumb_key = UnicodeAttribute(null=True)
    # Every kept drawing, oldest first (cartoons/scenes.py): [{version, attempt, image_key,
    # thumb_key, action, note, created_at}]; `chosen` is the version the page shows. None on
    # older scenes: their one image is version 1.
    versions = JSONAttribute(null=True)
    chosen = NumberAttribute(null=True)
    redraw_note = UnicodeAttribute(null=True)  # what the attempt in flight was asked to change
    # What the look step found in the chosen version's panel (comic/figures.py Look.to_json):
    # each figure's head box and mouth point, the empty regions, its source and notes. Each
    # kept version holds its own under "look"; None on panels drawn before the look step.
    look = JSONAttribute(null=True)
    inflight_hour = UnicodeAttribute(null=True)
    inflight_since = NumberAttribute(null=True)
    # When the current attempt was charged and queued: its deadline counts from here, however
    # often a 429 puts it back on the queue (None on older scenes: inflight_since stands in).
    queued_since = NumberAttribute(null=True)
    # How many times a 429 put the current attempt back on the queue: a job carries the count
    # it was sent with, so a stale or repeated message finds it moved on and does nothing.
    requeues = NumberAttribute(null=True)
    updated_at = NumberAttribute()
    by_inflight = InFlightIndex()


class SubmissionKey(ExpiringModel):
    """An Idempotency-Key seen from an account: a repeated submission returns its cartoon."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("submissions")

    account_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    request_hash = UnicodeAttribute()
    cartoon_id = UnicodeAttribute()
    by_expiry = ExpiryIndex()


class Export(ExpiringModel):
    """A data export: queued -> building -> ready | failed. Keyed by account, newest last by
    its time-sortable id; its zip lives under `exports/` until the bucket's rule removes it."""

    class Meta(BaseMeta):
        table_name = _settings.table_name("exports")

    account_id = UnicodeAttribute(hash_key=True)
    export_id = UnicodeAttribute(range_key=True)  # "<epoch ms, 13 digits><8 hex>"
    state = UnicodeAttribute()
    created_at = NumberAttribute()
    started_at = NumberAttribute(null=True)  # when a worker claimed it (a takeover changes it)
    finished_at = NumberAttribute(null=True)
    zip_key = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    files = NumberAttribute(null=True)
    failure = UnicodeAttribute(null=True)
    by_expiry = ExpiryIndex()


ALL_MODELS = [Account, EmailIndex, SignInLink, LimitWindow, LedgerEntry, AppliedCause,
              PendingErasure, Purchase, Cartoon, Scene, SubmissionKey, Export, SavedCharacter]
EXPIRING_MODELS = [SignInLink, LimitWindow, SubmissionKey, Export]
