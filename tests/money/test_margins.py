"""The margins on the default prices (QUALITY_CREDITS, CREDIT_PACKS, IMAGE_PRICES), as the
operator's `python -m chalicelib.admin costs` reports them: cartoons of every quality drawn
through the OpenAI stand-in (its usage is the API's by quality and size), with their reference
pictures, and revenue at the packs' lowest price per credit (nothing sold yet: the worst case).
Every quality keeps at least a 70 % gross margin, references included."""

import io

import pytest

from chalicelib.core.settings import get_settings
from chalicelib.money import admin
from devtools.cartoons import CHARACTERS, cartoon_body
from tests.support.cartoons import drain, give

MIN_MARGIN = 0.70


def cartoons_of_every_quality(client, aws):
    """For each quality: a short cartoon whose references outweigh its scenes (one scene, every
    character new: the costliest share of references) and a longer one (eight scenes)."""
    for quality in get_settings().quality_credits:
        for scenes in (1, 8):
            body = cartoon_body(scenes, quality=quality)
            assert len(body["characters"]) == len(CHARACTERS)
            response = client.post("/api/cartoons", body)
            assert response.status == 202, response
    drain(aws["queue_url"])


def test_every_quality_keeps_its_margin_with_its_references(signed_in, aws, openai_fake):
    give(signed_in, 500)
    cartoons_of_every_quality(signed_in, aws)
    out = io.StringIO()
    assert admin.main(["costs"], out=out) == 0
    print(out.getvalue())  # the table, as the operator reads it (pytest -s shows it)
    report, per_credit = admin.cost_report()
    packs = get_settings().credit_packs
    assert per_credit == min(p.amount / p.credits for p in packs)
    for quality in get_settings().quality_credits:
        row = report[quality]
        assert row["cartoons"] == 2 and row["calls"] == 2 * len(CHARACTERS) + 1 + 8
        assert row["margin"] / row["revenue"] >= MIN_MARGIN, (quality, row)
    lines = {line.split()[0]: line.split() for line in out.getvalue().splitlines()[2:]}
    for quality in get_settings().quality_credits:
        percent = next(cell for cell in lines[quality] if cell.endswith("%"))
        assert int(percent.rstrip("%")) >= MIN_MARGIN * 100


@pytest.mark.parametrize("quality", ["low", "medium", "high"])
def test_a_short_first_cartoon_fits_in_the_smallest_pack(signed_in, aws, quality):
    """Three Draft scenes with two new characters in the smallest pack; at every quality, a
    reference costs no more than a scene."""
    from chalicelib.cartoons import submission

    smallest = min(p.credits for p in get_settings().credit_packs)
    assert submission.cost_of("low", 3, 2) <= smallest
    assert submission.cost_of(quality, 1, 1) == 2 * submission.cost_of(quality, 1, 0)
