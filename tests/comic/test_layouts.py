"""Page templates: the cells of each, even margins and gutters, pages for long stories, and
drawing sizes the image API accepts, shaped like their cells."""

import itertools
import math

import pytest

from chalicelib.comic import layouts
from chalicelib.comic.layouts import GUTTER, MARGIN, Cell

W = 1 - 2 * MARGIN  # the width within the margins
HALF = (W - GUTTER) / 2


def rows(page):
    """The page's cells grouped by row, top to bottom."""
    return [list(group) for _, group in itertools.groupby(page.cells, key=lambda c: c.y)]


def test_a_strip_is_one_row_of_square_panels():
    (page,) = layouts.pages("strip", 4)
    (row,) = rows(page)
    width = (W - 3 * GUTTER) / 4
    assert row == [Cell(MARGIN + i * (width + GUTTER), MARGIN, width, width) for i in range(4)]
    assert page.height == pytest.approx(width + 2 * MARGIN)


def test_a_grid_is_two_by_two():
    (page,) = layouts.pages("grid", 4)
    assert [[(c.x, c.y) for c in row] for row in rows(page)] == [
        [(MARGIN, MARGIN), (MARGIN + HALF + GUTTER, MARGIN)],
        [(MARGIN, MARGIN + HALF + GUTTER), (MARGIN + HALF + GUTTER, MARGIN + HALF + GUTTER)]]
    assert {(c.w, c.h) for c in page.cells} == {(HALF, HALF)}


def test_three_tiers_open_with_a_wide_establishing_panel():
    (page,) = layouts.pages("tiers", 5)
    tiers = rows(page)
    assert [len(t) for t in tiers] == [1, 2, 2]
    assert tiers[0][0].w == pytest.approx(W) and tiers[0][0].aspect > 2
    assert {round(c.h, 9) for c in page.cells} == {round(HALF / layouts.TIER_ASPECT, 9)}


def test_a_webtoon_is_one_column():
    (page,) = layouts.pages("webtoon", 4)
    assert [(c.x, c.w) for c in page.cells] == [(MARGIN, W)] * 4
    assert [c.y for c in page.cells] == sorted(c.y for c in page.cells)


@pytest.mark.parametrize(("count", "shape"), [(1, [1]), (3, [3]), (4, [2, 2]),
                                              (5, [1, 2, 2]), (6, [2, 2, 2]),
                                              (7, [1, 2, 2, 2]), (8, [2, 2, 2, 2])])
def test_automatic_chooses_from_the_count(count, shape):
    (page,) = layouts.pages("auto", count)
    assert [len(r) for r in rows(page)] == shape


@pytest.mark.parametrize(("template", "count", "pages"), [
    ("strip", 24, 6), ("grid", 24, 6), ("tiers", 24, 5), ("webtoon", 24, 6), ("auto", 24, 5),
    ("grid", 5, 2), ("tiers", 6, 2), ("auto", 9, 2)])
def test_a_long_story_runs_over_several_pages(template, count, pages):
    found = layouts.pages(template, count)
    assert len(found) == pages
    assert sum(len(p.cells) for p in found) == count


@pytest.mark.parametrize(("template", "count"),
                         itertools.product(layouts.TEMPLATES, range(1, 25)))
def test_cells_are_inside_the_page_apart_by_even_gutters(template, count):
    for page in layouts.pages(template, count):
        for cell in page.cells:
            assert cell.x >= MARGIN - 1e-9 and cell.x + cell.w <= 1 - MARGIN + 1e-9
            assert cell.y >= MARGIN - 1e-9 and cell.y + cell.h <= page.height - MARGIN + 1e-9
        for row in rows(page):  # each row fills the width, with one gutter between cells
            assert row[0].x == pytest.approx(MARGIN)
            assert row[-1].x + row[-1].w == pytest.approx(1 - MARGIN)
            for left, right in itertools.pairwise(row):
                assert right.x - (left.x + left.w) == pytest.approx(GUTTER)
        for upper, lower in itertools.pairwise(rows(page)):
            assert lower[0].y - (upper[0].y + upper[0].h) == pytest.approx(GUTTER)


@pytest.mark.parametrize(("template", "count"),
                         itertools.product(layouts.TEMPLATES, range(1, 25)))
def test_each_drawing_size_is_one_the_image_api_takes_shaped_like_its_cell(template, count):
    for (_, cell), (width, height) in zip(layouts.cells(template, count),
                                          layouts.drawing_sizes(template, count), strict=True):
        assert width % 16 == 0 and height % 16 == 0
        assert 1 / 3 <= width / height <= 3
        assert 0.85 * layouts.DRAWING_PIXELS <= width * height <= 1.15 * layouts.DRAWING_PIXELS
        # as near the cell's shape as sides in steps of 16 allow
        assert abs(math.log(width / height / cell.aspect)) <= 16 / min(width, height)


def test_drawing_sizes_clamp_extreme_shapes_and_keep_square_square():
    assert layouts.drawing_size(1.0) == (1024, 1024)
    assert layouts.drawing_size(10) == (1776, 592)
    assert layouts.drawing_size(0.1) == (592, 1776)


def test_unknown_templates_and_counts_are_refused():
    with pytest.raises(ValueError, match="layout must be one of"):
        layouts.pages("mosaic", 4)
    for count in (0, layouts.MAX_SCENES + 1):
        with pytest.raises(ValueError, match="1 to 24 scenes"):
            layouts.pages("auto", count)
