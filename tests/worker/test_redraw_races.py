"""Redraws with notes and versions against each other, a deletion and an erasure, in threads
and at every point of the worker's S3 traffic: one redraw of a scene at a time (the other is
refused and charged nothing), and nothing left behind (objects, items, lost credits)."""

import threading

from chalicelib.core.models import LedgerEntry, Scene
from chalicelib.money import credits
from tests.support.cartoons import drain, take_messages
from tests.support.leftovers import objects_of_cartoon
from tests.worker.test_races import (
    Interleave,
    assert_erased,
    assert_no_lost_credit,
    drawn,
    erase_me,
    newcomer,
    one_job_at_a_time,
    redraw_charges,
)

ROUNDS = 8


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
    for n in range(ROUNDS):
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
    assert credits.balance(account_id) == 100 - 2 * ROUNDS


def test_a_redraw_with_a_note_and_a_delete_at_once_leave_nothing(app, aws):
    client, account_id = newcomer(app, 910, credits_given=200)
    outcomes = []
    for n in range(ROUNDS):
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
    spent = 2 * ROUNDS + outcomes.count("redraw")
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
