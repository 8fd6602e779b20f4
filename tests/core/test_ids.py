"""One generator makes every id: sortable by the time it was made, unique by its tail."""

from chalicelib.core import clock, ids


def test_ids_sort_by_time_and_keep_their_shapes():
    now = clock.now()
    early, late = ids.new_id(now), ids.new_id(now + 0.002)
    assert ids.ID.fullmatch(early) and early < late
    assert early[:13] == f"{int(now * 1000):013d}"
    entry = ids.new_ledger_id(now)
    assert ids.LEDGER_ID.fullmatch(entry) and entry[:13] == early[:13]


def test_two_ids_made_in_one_millisecond_differ():
    now = clock.now()
    assert len({ids.new_id(now) for _ in range(200)}) == 200
