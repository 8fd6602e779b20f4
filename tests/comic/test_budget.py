"""The text budget a panel is drawn for (comic/budget.py): the room kept plain at the top grows
with the texts up to the cap, and the text that takes the panel past the cap is named."""

import pytest

from chalicelib.comic import budget, layouts, pages

SQUARE = (1024, 1024)
WORDS = ("Je ne sais pas ce que tu veux dire par là, mais je crois que nous devrions partir "
         "avant que la marée ne monte et que le phare ne s'éteigne pour de bon. ") * 5


def speech(length, speaker="Ada"):
    return {"kind": "speech", "text": WORDS[:length].strip(), "speaker": speaker}


def test_the_room_grows_with_the_text_from_the_floor_up_to_the_cap():
    rooms, needs = [], []
    for length in (0, 15, 60, 100, 140, 200, 260, 398):
        panel = budget.panel_budget(SQUARE, [speech(length)] if length else [])
        rooms.append(panel.room)
        needs.append(panel.need)
    assert rooms == sorted(rooms) and needs == sorted(needs)  # never less room for more text
    assert rooms[0] == rooms[1] == budget.FLOOR  # a short line keeps the least room
    assert budget.FLOOR < rooms[3] < budget.CAP  # a longer one more
    assert rooms[-1] == budget.CAP  # and never past the cap
    assert len(set(needs)) == len(needs)  # each longer text needs more


def test_a_text_past_the_cap_is_named_with_a_hint_to_split_the_scene():
    fits = budget.panel_budget(SQUARE, [speech(120)])
    assert fits.over is None and fits.fullness < 1 and budget.problems(fits) == []
    long = budget.panel_budget(SQUARE, [speech(398)])  # the 398-character line
    assert long.over == 0 and long.fullness > 1
    [problem] = budget.problems(long)
    assert problem["index"] == 0 and problem["code"] == "too_much_text"
    assert "split the scene" in problem["message"]


def test_the_text_named_is_the_one_that_takes_the_shelves_past_the_cap():
    """Read in order: the short ones before still fit, the one that overflows is named."""
    elements = [{"kind": "caption", "text": "Later, at the harbour."}, speech(20),
                speech(230, "Bram"), speech(20)]
    panel = budget.panel_budget(SQUARE, elements)
    assert panel.over == 2
    assert budget.panel_budget(SQUARE, elements[:2]).over is None


def test_two_short_balloons_share_a_shelf_a_caption_and_a_balloon_do_not_always():
    one = budget.panel_budget(SQUARE, [speech(40)])
    side_by_side = budget.panel_budget(SQUARE, [speech(40), speech(40, "Bram")])
    assert side_by_side.need == pytest.approx(one.need)  # one beside the other: no more height
    caption = {"kind": "caption", "text": WORDS[:120]}
    stacked = budget.panel_budget(SQUARE, [caption, speech(120)])
    assert stacked.need > budget.panel_budget(SQUARE, [caption]).need


def test_the_budget_scales_with_the_panel_and_its_page():
    """Sizes are fractions of the lettering's unit: a panel twice as large needs the same
    share of its height; a page whose smallest panel sets a smaller unit needs less."""
    small = budget.panel_budget((512, 512), [speech(150)])
    large = budget.panel_budget((1024, 1024), [speech(150)])
    assert small.need == pytest.approx(large.need, abs=0.03)
    smaller_unit = budget.panel_budget((1024, 1024), [speech(150)], basis=700)
    assert smaller_unit.need < large.need


@pytest.mark.parametrize("template", layouts.TEMPLATES)
def test_every_layout_gives_each_scene_its_budget(template):
    scenes = [[speech(30)], [], [speech(398)], []]
    found = budget.budgets(template, scenes)
    assert [b.over for b in found] == [None, None, 0, None]
    assert found[1].room == budget.FLOOR and found[1].need == 0
    geometry = pages.panel_geometry(template, 4)
    assert budget.scene_budget(template, 4, 2, scenes[2]) == budget.panel_budget(
        *geometry[2][:1], scenes[2], geometry[2][1])


def test_a_word_no_balloon_holds_fills_the_budget_and_the_engine_names_it():
    panel = budget.panel_budget(SQUARE, [{"kind": "caption", "text": "x" * 300}])
    assert panel.room == budget.CAP and panel.fullness > 1


def test_heads_go_just_below_the_room():
    assert budget.heads_below(0.3) == (0.3, pytest.approx(0.3 + budget.HEADS))
    assert budget.heads_below(0.95)[1] == 1.0
    assert budget.panel_budget(SQUARE, [speech(50)]).to_json().keys() == {"room", "fullness"}


def test_an_element_that_is_no_text_is_left_to_the_engine_to_name():
    assert budget.panel_budget(SQUARE, [{"kind": "scream", "text": "Hey"}]) == budget.Budget(
        budget.FLOOR, 0.0)


def test_a_sound_effect_takes_none_of_the_room_kept_for_texts():
    """A sound effect is drawn on the picture: the budget does not count it, and a text past
    the cap after one is still named by its own index."""
    sound = {"kind": "sound", "text": "KABOOM " * 20}
    assert budget.panel_budget(SQUARE, [sound]) == budget.Budget(budget.FLOOR, 0.0)
    alone = budget.panel_budget(SQUARE, [speech(120)])
    assert budget.panel_budget(SQUARE, [sound, speech(120)]) == alone
    over = budget.panel_budget(SQUARE, [sound, {"kind": "caption", "text": "x" * 300}])
    assert over.over == 1 and over.fullness > 1
