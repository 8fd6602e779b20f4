"""The drawing machine (cartoons/drawing.py): every move once, for both of its uses, a
character's reference (an element of a Cartoon, cartoons/cast.py) and a scene (its own item,
cartoons/scenes.py), driven through each use's own functions on the real models in moto.

queued -> drawing, drawing -> done, drawing -> failed refunded once, drawing -> queued on a 429
within the deadline, failed and refunded once past it, a paid redraw, and a stale or repeated
job that changes nothing."""

import datetime
import types
import uuid

import pytest

from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.cartoons import cast, drawing, scenes, specs
from chalicelib.core import clock
from chalicelib.core.errors import Conflict
from chalicelib.core.models import Account, Cartoon, LedgerEntry
from chalicelib.core.settings import get_settings
from chalicelib.money import credits

PAID = 4  # what the attempt in flight was charged (with the cartoon: attempt 0)
START = 50  # the account's balance once that was paid
TAKEOVER = WORKER_TIMEOUT_SECONDS


class Reference:
    """The first character's reference of a cartoon whose cast is being drawn."""

    def __init__(self, account_id, cartoon_id, now):
        self.account_id, self.cartoon_id = account_id, cartoon_id
        Cartoon(account_id, cartoon_id, title="T", context="C", style="ligne-claire",
                style_prompt="S", quality="low", credits_per_scene=1, scene_count=1,
                cost=PAID, cast_state=cast.CAST_DRAWING,
                characters=[{"name": "Ada", "description": "An inventor.", "state": "queued",
                             "attempt": 0, "credits": PAID, "queued_at": now}],
                created_at=datetime.datetime.fromtimestamp(now, datetime.UTC)).save()

    def _cartoon(self):
        return Cartoon.get(self.account_id, self.cartoon_id, consistent_read=True)

    def now(self):
        character = self._cartoon().characters[0]
        return types.SimpleNamespace(state=character.state, attempt=int(character.attempt),
                                     requeues=int(character.requeues or 0),
                                     refunded=character.refunded,
                                     image_key=character.image_key)

    def queued_since(self):
        cartoon = self._cartoon()
        return cast.queued_at(cartoon, cartoon.characters[0])

    def claim(self, attempt, requeues=0, now=None):
        return cast.claim(self._cartoon(), 0, attempt, takeover_after=TAKEOVER,
                          requeues=requeues, now=now)

    def wait(self, attempt, requeues):
        return cast.wait(self._cartoon(), 0, attempt, requeues)

    def finish(self, attempt):
        return cast.finish(self._cartoon(), 0, attempt, image_key="ref.png",
                           thumb_key="ref.webp")

    def fail(self, attempt):
        return cast.fail(self._cartoon(), 0, attempt, code="timeout", reason="Too slow.")

    def refund_key(self, attempt):
        return cast.refund_key(self.cartoon_id, 0, attempt)

    def redraw(self):
        """The owner's paid redraw: the next attempt, or None when it moved meanwhile."""
        try:
            return cast.redraw(types.SimpleNamespace(account_id=self.account_id),
                               self.cartoon_id, "0", {})["attempt"]
        except Conflict:
            return None

    def redraw_price(self):
        return specs.reference_credits("low")


class SceneUse:
    """The first scene of a cartoon."""

    def __init__(self, account_id, cartoon_id, now):
        self.account_id, self.cartoon_id = account_id, cartoon_id
        scenes.new(account_id, cartoon_id, 1, {
            "action": "Ada finds a machine.", "characters": ["Ada"], "caption": "",
            "dialogue": "", "speaker": "", "elements": [], "staging": {}}, PAID, now).save()

    def _scene(self):
        return scenes.load(self.account_id, self.cartoon_id, 1)

    def now(self):
        scene = self._scene()
        return types.SimpleNamespace(state=scene.state, attempt=int(scene.attempt),
                                     requeues=int(scene.requeues or 0),
                                     refunded=scene.refunded, image_key=scene.image_key)

    def queued_since(self):
        return scenes.queued_since(self._scene())

    def claim(self, attempt, requeues=0, now=None):
        return scenes.start_drawing(self._scene(), attempt, takeover_after=TAKEOVER,
                                    requeues=requeues, now=now)

    def wait(self, attempt, requeues):
        return scenes.wait_for_provider(self._scene(), attempt, requeues)

    def finish(self, attempt):
        return scenes.finish(self._scene(), attempt, image_key="scene.png",
                             thumb_key="scene.webp") is not None

    def fail(self, attempt):
        return scenes.fail(self._scene(), attempt, code="timeout", reason="Too slow.")

    def refund_key(self, attempt):
        return scenes.refund_key(self.cartoon_id, 1, attempt)

    def redraw(self):
        return scenes.requeue_for_redraw(self._scene(), self.redraw_price())

    def redraw_price(self):
        return 2


@pytest.fixture(params=[Reference, SceneUse], ids=["reference", "scene"])
def use(request, aws):
    now = int(clock.now())
    account_id = uuid.uuid4().hex
    Account(account_id, email="ada@example.com", email_key="k",
            created_at=datetime.datetime.now(datetime.UTC), balance=START).save()
    cartoon_id = f"{now * 1000:013d}{uuid.uuid4().hex[:8]}"
    return request.param(account_id, cartoon_id, now)


def balance(use):
    return credits.balance(use.account_id)


def refunds(use):
    return [e.cause_key for e in LedgerEntry.query(use.account_id) if e.reason == "refund"]


def test_a_job_claims_a_queued_drawing_once(use):
    assert use.now().state == "queued"
    assert use.claim(0)
    assert use.now().state == "drawing"
    assert not use.claim(0)  # the same job delivered again: already drawing
    assert use.now().state == "drawing"


def test_a_drawing_whose_worker_died_is_taken_over(use):
    now = int(clock.now())
    assert use.claim(0, now=now)
    assert not use.claim(0, now=now + TAKEOVER - 1)  # its worker may still be at it
    assert use.claim(0, now=now + TAKEOVER + 1)
    assert use.now().state == "drawing"


def test_a_finished_drawing_is_done_and_shown(use):
    use.claim(0)
    assert use.finish(0)
    assert (use.now().state, use.now().image_key is not None) == ("done", True)
    assert not use.finish(0)  # a repeat finds it done
    assert not use.fail(0)  # nor can it fail once done: nothing refunded
    assert (balance(use), refunds(use)) == (START, [])


def test_a_failed_drawing_is_refunded_once(use):
    use.claim(0)
    assert use.fail(0)
    state = use.now()
    assert (state.state, state.refunded) == ("failed", PAID)
    assert (balance(use), refunds(use)) == (START + PAID, [use.refund_key(0)])
    assert not use.fail(0)  # a second failure (a redelivery, the cleanup) refunds nothing
    assert not use.finish(0)  # and a late picture is not shown
    assert (balance(use), refunds(use)) == (START + PAID, [use.refund_key(0)])
    assert use.now().state == "failed"


def test_a_429_within_the_deadline_waits_its_turn_charged_once(use):
    use.claim(0)
    assert drawing.may_wait(use.queued_since(), 60)
    assert use.wait(0, 0)
    state = use.now()
    assert (state.state, state.attempt, state.requeues) == ("queued", 0, 1)
    assert (balance(use), refunds(use)) == (START, [])  # still charged once, not refunded
    assert not use.wait(0, 0)  # the same wait again: it is no longer drawing
    assert not use.claim(0, requeues=0)  # the message from before the wait: stale
    assert use.claim(0, requeues=1)  # the message sent with the wait draws it
    assert use.finish(0)
    assert (balance(use), refunds(use)) == (START, [])


def test_past_the_deadline_a_waiting_drawing_fails_refunded_once(use):
    queued = use.queued_since()
    limit = queued + get_settings().stuck_scene_seconds - WORKER_TIMEOUT_SECONDS
    assert drawing.deadline(queued) == limit
    assert drawing.may_wait(queued, 60, now=limit - 61)
    assert not drawing.may_wait(queued, 60, now=limit - 60)
    use.claim(0)
    assert use.wait(0, 0)
    use.claim(0, requeues=1)
    # The next 429 comes too late to wait again: the attempt fails, refunded once.
    assert use.fail(0)
    assert (use.now().state, balance(use), refunds(use)) == (
        "failed", START + PAID, [use.refund_key(0)])
    assert not use.fail(0)
    assert (balance(use), refunds(use)) == (START + PAID, [use.refund_key(0)])


def test_a_stale_job_changes_nothing(use):
    assert not use.claim(1)  # an attempt that is not the drawing's
    use.claim(0)
    assert not use.wait(1, 0)
    assert not use.wait(0, 3)  # a wait counted from another message
    assert not use.finish(1)
    assert not use.fail(1)
    state = use.now()
    assert (state.state, state.attempt, state.requeues) == ("drawing", 0, 0)
    assert (balance(use), refunds(use)) == (START, [])


def test_a_redraw_is_the_next_attempt_paid_once(use):
    use.claim(0)
    use.fail(0)
    assert not use.claim(1)  # nothing queued yet
    assert use.redraw() == 1
    state = use.now()
    assert (state.state, state.attempt, state.refunded) == ("queued", 1, None)
    assert balance(use) == START + PAID - use.redraw_price()
    assert use.redraw() is None  # a second redraw of the same attempt: nothing charged
    assert balance(use) == START + PAID - use.redraw_price()
    assert not use.claim(0)  # the first attempt's job is stale now
    assert use.claim(1)
    assert use.fail(1)  # the redraw's own refund, under its own cause
    assert refunds(use) == [use.refund_key(0), use.refund_key(1)]
    assert balance(use) == START + PAID
