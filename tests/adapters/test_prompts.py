"""The scene prompt keeps the room the texts need (comic/budget.py) plain at the top of the
picture, and puts the speakers' heads just below it, on their side."""

from chalicelib.adapters import images, prompts
from chalicelib.comic import budget


def request(**more):
    return images.SceneRequest(
        number=2, action="Ada shows Bram the machine.",
        characters=(images.Character("Ada", "tall"), images.Character("Bram", "short")),
        references=(b"", b""), style_prompt="ligne claire", context="A seaside town.",
        quality="low", user="u", staging={"Ada": "left", "Bram": "right"}, **more)


def test_the_prompt_keeps_the_budgeted_room_plain_and_stands_the_speakers_below_it():
    prompt = prompts.scene(request(room=0.38, speakers=("Bram", "Ada")))
    assert "Stage the characters: Ada on the left, Bram on the right." in prompt
    assert "Keep the top 38 % of the picture plain" in prompt
    assert ("Draw the heads of those who speak below that, between 38 % and 58 % of the way "
            "down the picture: Bram's on the right, Ada's on the left.") in prompt


def test_the_room_follows_the_text_from_the_floor_to_the_cap():
    rooms = [budget.panel_budget((1024, 1024), [{"kind": "speech", "speaker": "Ada",
                                                 "text": "Look! " * n}]).room
             for n in (1, 15, 60)]
    said = [prompts.scene(request(room=room, speakers=("Ada",))) for room in rooms]
    assert f"Keep the top {round(budget.FLOOR * 100)} % " in said[0]
    assert f"Keep the top {round(budget.CAP * 100)} % " in said[2]
    middle = round(rooms[1] * 100)
    assert round(budget.FLOOR * 100) < middle < round(budget.CAP * 100)
    assert f"Keep the top {middle} % " in said[1]


def test_without_a_budget_or_speakers_the_least_room_is_kept_and_no_head_is_placed():
    prompt = prompts.scene(request())
    assert f"Keep the top {round(budget.FLOOR * 100)} % of the picture plain" in prompt
    assert "heads of those who speak" not in prompt
    # a speaker not staged in the panel (a voice off) gets no head
    assert "heads" not in prompts.scene(request(room=0.3, speakers=("Cleo",)))
