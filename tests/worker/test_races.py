"""Races against the worker, driven through the real queue, the real handler and the API: an
erasure, a cartoon's deletion and a redraw, each at every point of the worker's S3 traffic (and
in threads), counting what is left: no object of an erased account or a deleted cartoon, and no
lost credit. The worker's own checks do the cleaning: the erasure's final sweep runs only in
the one test that checks it as a backstop."""

import random
import threading
import time

import pytest

from chalicelib import cleanup
from chalicelib.adapters import storage
from chalicelib.cartoons import scenes
from chalicelib.core import clock
from chalicelib.core.models import Cartoon, LedgerEntry, PendingErasure, Scene
from chalicelib.money import credits
from chalicelib.rights import erasure
from devtools.cartoons import cartoon_body
from devtools.client import ApiClient
from tests.support.cartoons import (
    assert_ledger,
    deliver,
    drain,
    fund_references,
    give,
    take_messages,
)
from tests.support.leftovers import dump_everything, objects_of_account, objects_of_cartoon

ROUNDS = 20


class Interleave:
    """Runs `act` when the worker reaches its `at`-th point (just before or just after an S3
    put or read), and at every later point until `act` returns True: so `act` lands between a
    put and the worker's re-check, or between any two steps of a job."""

    def __init__(self, monkeypatch, at, act):
        self.points, self.at, self.act, self.done = 0, at, act, False
        self.lock = threading.Lock()
        for name in ("put", "read"):
            monkeypatch.setattr(storage, name, self._around(getattr(storage, name)))

    def _around(self, real):
        def call(*args, **kwargs):
            self._point()
            result = real(*args, **kwargs)
            self._point()
            return result
        return call

    def _point(self):
        with self.lock:
            self.points += 1
            if not self.done and self.points >= self.at:
                self.done = bool(self.act())


def one_job_at_a_time(queue_url):
    """Deliver the queued jobs one an invocation, as production's batch size of one does, so
    a drawing passes the same points in the same order every time."""
    while messages := take_messages(queue_url, limit=1):
        deliver(queue_url, *messages)


def points_of_a_drawing(monkeypatch, aws, client, scene_count):
    """How many points a whole drawing has, so that the rounds spread over all of them."""
    counter = Interleave(monkeypatch, float("inf"), None)
    submitted(client, scene_count)
    one_job_at_a_time(aws["queue_url"])
    monkeypatch.undo()
    return counter.points


def newcomer(app, n, credits_given=20):
    client = ApiClient(app, ip=f"203.0.113.{n % 250 + 1}")
    client.sign_in(f"racer{n}@example.com")
    return client, give(client, credits_given)


def submitted(client, scene_count):
    fund_references(client)
    response = client.post("/api/cartoons", cartoon_body(scene_count))
    assert response.status == 202, response
    return response.json["cartoon_id"]


def drawn(client, aws, scene_count=1):
    cartoon_id = submitted(client, scene_count)
    drain(aws["queue_url"])
    assert client.get(f"/api/cartoons/{cartoon_id}").json["status"] == "done"
    return cartoon_id


def erase_me(client, n):
    response = client.delete("/api/me", {"confirm": f"racer{n}@example.com"})
    assert response.status == 200, response
    return True


def assert_erased(account_id, label):
    assert objects_of_account(account_id) == [], label
    assert account_id not in dump_everything(but=[PendingErasure]), label


def assert_no_lost_credit(account_id):
    """The ledger sums to the balance, no cause counts twice, and every scene's current
    attempt was charged and is drawn, in flight, or failed and refunded exactly once."""
    assert_ledger(account_id)
    causes = [e.cause_key for e in LedgerEntry.query(account_id)]
    assert len(causes) == len(set(causes))
    for scene in Scene.query(account_id):
        assert scene.charge_key in causes
        refunded = scenes.refund_key(scene.cartoon_id, scene.number, scene.attempt) in causes
        assert refunded == (scene.failure is not None), (scene.scene_key, scene.state)


def redraw_charges(account_id, cartoon_id):
    return [e for e in LedgerEntry.query(account_id)
            if e.cause_key.startswith(f"redraw:{cartoon_id}:")]


# --- an erasure racing the worker ---------------------------------------------------------

def test_an_erasure_at_any_point_of_the_drawing_leaves_no_object(app, aws, monkeypatch):
    """DELETE /api/me lands at every point of a two-scene cartoon's drawing in turn, from
    before the first job to the strip, each in a round of its own."""
    points = points_of_a_drawing(monkeypatch, aws, newcomer(app, 99)[0], 2)
    assert points >= ROUNDS
    for n in range(points):
        client, account_id = newcomer(app, n)
        submitted(client, 2)
        interleave = Interleave(monkeypatch, 1 + n, lambda c=client, n=n: erase_me(c, n))
        one_job_at_a_time(aws["queue_url"])
        monkeypatch.undo()
        assert interleave.done, n
        assert_erased(account_id, n)


def test_an_erasure_racing_the_worker_threads_leaves_no_object(app, aws):
    """As the attacker did: an eight-scene cartoon, the worker draining in a thread, and the
    erasure 0 to 300 ms after submitting (a drawing here takes about that long)."""
    shuffle = random.Random(12)
    for n in range(ROUNDS):
        client, account_id = newcomer(app, 100 + n)
        submitted(client, 8)
        worker = threading.Thread(target=drain, args=(aws["queue_url"],))
        worker.start()
        time.sleep(shuffle.uniform(0, 0.3))
        erase_me(client, 100 + n)
        worker.join()
        drain(aws["queue_url"])
        assert_erased(account_id, n)


def test_the_final_sweep_removes_what_a_worker_that_died_mid_put_left(app, aws, monkeypatch):
    """A worker that dies between its put and its re-check leaves an object; the cleanup's
    sweep removes it once the worker timeout has passed since the erasure, not before."""
    from chalicelib.worker import guard

    client, account_id = newcomer(app, 300)
    submitted(client, 2)
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # references
    real = guard.check

    def erased_after_the_check_then_dies_after_the_put(alive, *keys):
        if keys:
            raise SystemExit("the Lambda was killed")
        real(alive)
        erase_me(client, 300)

    monkeypatch.setattr(guard, "check", erased_after_the_check_then_dies_after_the_put)
    with pytest.raises(SystemExit):
        deliver(aws["queue_url"], take_messages(aws["queue_url"], limit=1)[0])
    monkeypatch.undo()
    assert objects_of_account(account_id)  # the one object the guard could not withdraw
    started = clock.now()
    monkeypatch.setattr(clock, "now", lambda: started + 60)
    assert cleanup.run()["erasures_resumed"] == 0
    assert objects_of_account(account_id)
    monkeypatch.setattr(clock, "now", lambda: started + erasure.SWEEP_AFTER_SECONDS + 1)
    assert cleanup.run()["erasures_resumed"] == 1
    assert objects_of_account(account_id) == []
    assert account_id not in dump_everything()


# --- deleting a cartoon racing the worker ---------------------------------------------------

def test_deleting_a_cartoon_at_the_first_moment_allowed_leaves_no_object(app, aws, monkeypatch):
    """From every point of a drawing in turn, DELETE is sent at each point until the API
    allows it: it is refused while a scene is in flight, and once allowed it lands while the
    strip is composed. Nothing of the cartoon stays, nor a lost credit."""
    client, account_id = newcomer(app, 400, credits_given=200)
    points = points_of_a_drawing(monkeypatch, aws, client, 2)
    assert points >= ROUNDS
    for n in range(points):
        cartoon_id = submitted(client, 2)
        answers = []

        def delete(cartoon_id=cartoon_id, answers=answers):
            answers.append(client.delete(f"/api/cartoons/{cartoon_id}").status)
            return answers[-1] == 200

        interleave = Interleave(monkeypatch, 1 + n, delete)
        one_job_at_a_time(aws["queue_url"])
        monkeypatch.undo()
        assert interleave.done and set(answers[:-1]) <= {409}, (n, answers)
        assert objects_of_cartoon(account_id, cartoon_id) == [], n
        assert Cartoon.count(account_id, Cartoon.cartoon_id == cartoon_id) == 0
        assert client.get(f"/api/cartoons/{cartoon_id}").status == 404
        assert_no_lost_credit(account_id)
    assert credits.balance(account_id) == 200 - 2 * (points + 1)


def test_a_strip_composed_after_the_deletion_is_withdrawn(app, aws, monkeypatch):
    """The composer read the scenes before the deletion and puts its strip after it: its
    re-check finds the cartoon gone and deletes the strip, and the job ends without a retry."""
    from chalicelib.worker import compose

    client, account_id = newcomer(app, 450)
    cartoon_id = drawn(client, aws, 2)
    assert client.patch(f"/api/cartoons/{cartoon_id}/scenes/1", {"caption": "Later"}).status \
        == 200
    real = compose.pages.compose

    def composing(*args):
        assert client.delete(f"/api/cartoons/{cartoon_id}").status == 200
        return real(*args)

    monkeypatch.setattr(compose.pages, "compose", composing)
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # the recompose job
    assert objects_of_cartoon(account_id, cartoon_id) == []
    assert_no_lost_credit(account_id)


# --- a redraw racing a deletion ---------------------------------------------------------------

def test_a_redraw_and_a_delete_sent_at_once_exactly_one_wins(app, aws):
    """In threads, released together: either the delete wins (the redraw charges nothing and
    the cartoon's objects are gone) or the redraw wins (the delete is refused, the scene is
    drawn again for its charge). Never both, never neither."""
    client, account_id = newcomer(app, 500, credits_given=200)
    outcomes = []
    for n in range(ROUNDS):
        cartoon_id = drawn(client, aws)
        start = threading.Barrier(2)
        answers = {}

        def send(name, method, path, start=start, answers=answers):
            start.wait()
            answers[name] = client.request(method, path, {}).status

        racers = [threading.Thread(target=send, args=(
            "redraw", "POST", f"/api/cartoons/{cartoon_id}/scenes/1/redraw")),
            threading.Thread(target=send, args=("delete", "DELETE",
                                                f"/api/cartoons/{cartoon_id}"))]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        drain(aws["queue_url"])
        won = [name for name in ("redraw", "delete") if answers[name] in (200, 202)]
        assert len(won) == 1 and set(answers.values()) - {200, 202} <= {404, 409}, (n, answers)
        outcomes.append(won[0])
        assert_no_lost_credit(account_id)
        if won == ["delete"]:
            assert objects_of_cartoon(account_id, cartoon_id) == [], n
            assert redraw_charges(account_id, cartoon_id) == [], n
        else:
            scene = client.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
            assert (scene["attempt"], scene["state"]) == (1, "done"), n
            assert client.delete(f"/api/cartoons/{cartoon_id}").status == 200
    spent = ROUNDS + outcomes.count("redraw")
    assert credits.balance(account_id) == 200 - spent
    assert LedgerEntry.count(account_id) == 1 + ROUNDS + spent  # and each round's top-up


def test_a_redraw_queued_first_refuses_the_delete_until_it_is_drawn(app, aws, monkeypatch):
    """Interleaved through the worker: a delete sent at every point of the redraw's job is
    refused while it is in flight and accepted after; nothing stays and the redraw's credit
    paid for the drawing that was made."""
    client, account_id = newcomer(app, 600, credits_given=200)
    for n in range(ROUNDS):
        cartoon_id = drawn(client, aws)
        assert client.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw", {}).status == 202
        answers = []

        def delete(cartoon_id=cartoon_id, answers=answers):
            answers.append(client.delete(f"/api/cartoons/{cartoon_id}").status)
            return answers[-1] == 200

        interleave = Interleave(monkeypatch, 1 + n % 8, delete)
        drain(aws["queue_url"])
        monkeypatch.undo()
        assert interleave.done and set(answers[:-1]) <= {409}, (n, answers)
        assert objects_of_cartoon(account_id, cartoon_id) == []
        assert_no_lost_credit(account_id)
    # Each round paid for its cartoon and its redraw, both drawn: nothing was refunded.
    assert credits.balance(account_id) == 200 - 2 * ROUNDS
    assert not [e for e in LedgerEntry.query(account_id) if e.reason == "refund"]


def test_a_charged_attempt_whose_cartoon_went_is_refunded_once(app, aws):
    """Should the worker find the cartoon marked deleted while a charged redraw is in flight
    (the API never allows it; a hand-made state), it draws nothing, keeps nothing and refunds
    the attempt, once, however often the job comes back."""
    client, account_id = newcomer(app, 700)
    cartoon_id = drawn(client, aws)
    assert client.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw", {}).status == 202
    Cartoon(account_id, cartoon_id).update(actions=[Cartoon.deleting_since.set(1)])
    before = objects_of_cartoon(account_id, cartoon_id)
    (job,) = take_messages(aws["queue_url"])
    deliver(aws["queue_url"], job)
    deliver(aws["queue_url"], job)  # delivered again
    assert objects_of_cartoon(account_id, cartoon_id) == before
    gone = scenes.load(account_id, cartoon_id, 1)  # it still shows its version 1, marked gone
    assert (gone.state, gone.failure) == (scenes.DONE, "gone")
    assert_no_lost_credit(account_id)
    assert credits.balance(account_id) == 20 - 1


def test_a_text_edit_racing_a_delete_is_a_404_and_writes_nothing(app, aws, monkeypatch):
    """The edit read the scene before the deletion and writes after it: a 404, not a 500,
    and no scene item comes back to life."""
    from chalicelib.cartoons import changes

    client, account_id = newcomer(app, 800)
    cartoon_id = drawn(client, aws)
    real = changes.moderate

    def deleted_meanwhile(fields):
        assert client.delete(f"/api/cartoons/{cartoon_id}").status == 200
        return real(fields)

    monkeypatch.setattr(changes, "moderate", deleted_meanwhile)
    response = client.patch(f"/api/cartoons/{cartoon_id}/scenes/1", {"caption": "Later"})
    assert response.status == 404, response
    assert Scene.count(account_id) == 0 and take_messages(aws["queue_url"]) == []
    assert objects_of_cartoon(account_id, cartoon_id) == []


@pytest.mark.parametrize("erased", ["begun", "finished"])
def test_a_submission_racing_the_erasure_is_refused_and_leaves_nothing(app, aws, monkeypatch,
                                                                        erased):
    """The submission read the session before the erasure began, and writes after it began
    (or ended): a 401, and nothing of the account is left, in the tables or the bucket."""
    from chalicelib.cartoons import submission

    client, account_id = newcomer(app, 900)
    real = submission.moderate

    def erased_meanwhile(fields):
        if erased == "begun":
            erasure.start(account_id)
        else:
            erase_me(client, 900)
        return real(fields)

    monkeypatch.setattr(submission, "moderate", erased_meanwhile)
    fund_references(client)
    response = client.post("/api/cartoons", cartoon_body(2))
    assert response.status == 401, response
    assert take_messages(aws["queue_url"]) == []
    erasure.erase(account_id)
    assert_erased(account_id, erased)


# --- redraws with notes and versions: against each other, a deletion and an erasure ------------

REDRAW_ROUNDS = 8


def released_together(*calls):
    """Run each call in its own thread, released at once; their results in order."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        start.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def with_versions(client, aws, count=2):
    """A drawn one-scene cartoon whose scene has `count` versions."""
    cartoon_id = drawn(client, aws)
    for n in range(count - 1):
        path = f"/api/cartoons/{cartoon_id}/scenes/1/redraw"
        assert client.post(path, {"note": f"take {n + 2}"}).status == 202
        drain(aws["queue_url"])
    return cartoon_id


def test_two_redraws_of_a_scene_at_once_one_wins_the_other_is_409_and_free(app, aws):
    client, account_id = newcomer(app, 900, credits_given=100)
    other = type(client)(app, ip="203.0.113.99")  # a second tab of the same account
    other.cookies, other.csrf = dict(client.cookies), client.csrf
    for n in range(REDRAW_ROUNDS):
        cartoon_id = drawn(client, aws)
        path = f"/api/cartoons/{cartoon_id}/scenes/1/redraw"
        answers = released_together(
            lambda path=path: client.post(path, {"note": "darker"}),
            lambda path=path: other.post(path, {"action": "Ada sleeps.", "note": "lighter"}))
        statuses = sorted(a.status for a in answers)
        assert statuses == [202, 409], (n, answers)
        loser = next(a for a in answers if a.status == 409)
        assert loser.error_code in ("scene_changed", "scene_in_progress")
        assert len(redraw_charges(account_id, cartoon_id)) == 1, n
        assert len(take_messages(aws["queue_url"])) == 1  # one job: the winner's
        # What the scene holds is the winner's, whole: its note and its action together.
        scene = Scene.get(account_id, f"{cartoon_id}#01")
        winner = 0 if answers[0].status == 202 else 1
        assert scene.redraw_note == ("darker", "lighter")[winner]
        assert (scene.action == "Ada sleeps.") == (winner == 1)
        assert_no_lost_credit(account_id)
    assert credits.balance(account_id) == 100 - 2 * REDRAW_ROUNDS


def test_a_redraw_with_a_note_and_a_delete_at_once_leave_nothing(app, aws):
    client, account_id = newcomer(app, 910, credits_given=200)
    outcomes = []
    for n in range(REDRAW_ROUNDS):
        cartoon_id = with_versions(client, aws)
        redraw, delete = released_together(
            lambda cid=cartoon_id: client.post(f"/api/cartoons/{cid}/scenes/1/redraw",
                                               {"note": "one more"}),
            lambda cid=cartoon_id: client.delete(f"/api/cartoons/{cid}"))
        drain(aws["queue_url"])
        won = [name for name, a in (("redraw", redraw), ("delete", delete))
               if a.status in (200, 202)]
        assert len(won) == 1, (n, redraw, delete)
        outcomes.append(won[0])
        if won == ["delete"]:
            assert objects_of_cartoon(account_id, cartoon_id) == [], n
            assert len(redraw_charges(account_id, cartoon_id)) == 1, n  # the setup's only
        else:
            scene = client.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
            assert [v["version"] for v in scene["versions"]] == [1, 2, 3], n
            assert client.delete(f"/api/cartoons/{cartoon_id}").status == 200
            assert objects_of_cartoon(account_id, cartoon_id) == [], n
        assert_no_lost_credit(account_id)
    spent = 2 * REDRAW_ROUNDS + outcomes.count("redraw")
    assert credits.balance(account_id) == 200 - spent


def test_an_erasure_at_any_point_of_a_redraw_leaves_no_version_behind(app, aws, monkeypatch):
    """DELETE /api/me lands at every point of an edit's job (reading the previous version,
    putting the new one and its thumbnail, composing the pages) in a round of its own."""
    probe, _ = newcomer(app, 920)
    cartoon_id = with_versions(probe, aws)
    assert probe.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw", {"note": "x"}).status \
        == 202
    counter = Interleave(monkeypatch, float("inf"), None)
    one_job_at_a_time(aws["queue_url"])
    monkeypatch.undo()
    points = counter.points
    assert points >= 6
    for n in range(points + 1):
        client, account_id = newcomer(app, 930 + n)
        cartoon_id = with_versions(client, aws)
        assert client.post(f"/api/cartoons/{cartoon_id}/scenes/1/redraw",
                           {"note": "erase me meanwhile"}).status == 202
        interleave = Interleave(monkeypatch, 1 + n,
                                lambda c=client, n=n: erase_me(c, 930 + n))
        one_job_at_a_time(aws["queue_url"])
        monkeypatch.undo()
        if not interleave.done:
            erase_me(client, 930 + n)  # the last round: after the whole job
        assert_erased(account_id, n)
        assert LedgerEntry.count(account_id) == 0, n
