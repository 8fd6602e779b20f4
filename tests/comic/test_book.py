"""The printed book (comic/book.py): trim and bleed boxes, the text layer in reading order,
one scale, 300 ppi or finer, 7 pt lettering and full pages, measured from the PDF itself."""

import io
import re

import pypdf
import pytest
from PIL import Image, ImageChops

from chalicelib.comic import book, layouts

TITLE = "The Croissant Thief"
STAGING = {"Ada": "left", "Bob": "right"}


def png(size, shade):
    out = io.BytesIO()
    Image.new("RGB", size, (shade, 150, 200)).save(out, "PNG")
    return out.getvalue()


def texts_of(number):
    return [{"kind": "caption", "text": f"Scene {number}: morning in Paris."},
            {"kind": "speech", "speaker": "Ada", "text": f"Where are my croissants? ({number})"},
            {"kind": "speech", "speaker": "Bob", "text": f"Καλημέρα! I ate them all. 🥐 {number}"}]


def panels(template, count, texts=True, encoded=True):
    """The scenes of a cartoon at their drawing sizes: PNG bytes, or Pillow images (quicker)."""
    return [{"image": png(size, 20 + 9 * i) if encoded else Image.new("RGB", size),
             "elements": texts_of(i + 1) if texts else [],
             "staging": STAGING}
            for i, size in enumerate(layouts.drawing_sizes(template, count))]


def read(data):
    return pypdf.PdfReader(io.BytesIO(data))


def placed_images(page):
    """(drawn width pt, image width px) of each image a page draws."""
    content = page.get_contents().get_data().decode()
    xobjects = page["/Resources"]["/XObject"]
    return [(float(width), xobjects["/" + name].get_object()["/Width"])
            for width, name in re.findall(r"q ([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm /(\w+) Do",
                                          content)]


def text_sizes(page):
    return [float(size) for size in re.findall(r"/T ([\d.]+) Tf",
                                                page.get_contents().get_data().decode())]


@pytest.fixture(scope="module")
def eight():
    """An 8-scene cartoon in `auto` on A4, the case that printed at 6.4 pt before."""
    cartoon = panels("auto", 8)
    return cartoon, read(book.pdf(TITLE, "auto", cartoon, "A4", language="fr", author="Ada L."))


@pytest.mark.parametrize(("paper", "trim"), [("A4", (595.28, 841.89)), ("Letter", (612, 792))])
def test_every_page_is_the_papers_trim_size_in_portrait(paper, trim):
    reader = read(book.pdf(TITLE, "strip", panels("strip", 3, texts=False), paper))
    assert len(reader.pages) >= 2  # a title page, then the comic
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            trim, abs=0.01)


def test_every_text_is_in_the_pdf_in_reading_order(eight):
    cartoon, reader = eight
    found = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    expected = [TITLE, "Ada L."] + [e["text"] for p in cartoon for e in p["elements"]]
    position = 0
    for text in expected:
        at = found.find(" ".join(text.split()), position)
        assert at >= position, f"{text!r} missing or out of order"
        position = at + len(text)


def test_the_title_and_language_are_in_the_metadata(eight):
    _, reader = eight
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "Ada L."
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_one_scale_across_pages_at_300_ppi_or_finer_and_never_enlarged(eight):
    cartoon, reader = eight
    drawn = {Image.open(io.BytesIO(p["image"])).size[0] for p in cartoon}
    scales = set()
    for page in reader.pages[1:]:
        for width_pt, width_px in placed_images(page):
            assert width_px in drawn  # embedded as drawn: no resampling
            scales.add(round(width_pt / width_px, 6))
            assert width_px / (width_pt / 72) >= 300 - 1e-6
    assert len(scales) == 1
    for width_pt, width_px in placed_images(reader.pages[0]):  # the title, drawn at 300 ppi
        assert width_px / (width_pt / 72) >= 300 - 1e-6


def test_images_are_lossless(eight):
    _, reader = eight
    for page in reader.pages:
        for _, image in page["/Resources"]["/XObject"].items():
            assert image.get_object()["/Filter"] == "/FlateDecode"


def test_lettering_prints_at_7_pt_or_more_on_every_page(eight):
    _, reader = eight
    sizes = [size for page in reader.pages[1:] for size in text_sizes(page)]
    assert sizes and min(sizes) >= book.MIN_PT


@pytest.mark.parametrize("template", layouts.TEMPLATES)
@pytest.mark.parametrize("count", [3, 6, 8, 12, 24])
def test_every_layout_plans_7_pt_text_one_scale_and_full_pages(template, count):
    plan = book.plan(template, panels(template, count), "A4")
    assert plan.text_pt >= book.MIN_PT
    assert plan.ppi >= 300 - 1e-6
    assert [i for page in plan.pages for row in page for i in row] == list(range(count))
    assert all(len(page) <= book.MAX_ROWS for page in plan.pages)
    lone = len(plan.pages) == 1 and plan.scale >= book.MAX_SCALE - 1e-9
    assert lone or min(plan.fills) >= book.MIN_FILL  # the last page included


@pytest.mark.parametrize("paper", list(book.PAPERS))
@pytest.mark.parametrize("template", layouts.TEMPLATES)
def test_no_page_is_emptier_than_the_set_fill_for_any_count(paper, template):
    for count in range(1, layouts.MAX_SCENES + 1):
        plan = book.plan(template, panels(template, count, texts=False, encoded=False), paper)
        lone = len(plan.pages) == 1 and plan.scale >= book.MAX_SCALE - 1e-9
        assert lone or min(plan.fills) >= book.MIN_FILL, (count, plan.fills)


def test_leftovers_are_balanced_not_a_lone_row():
    plan = book.plan("grid", panels("grid", 10, texts=False), "Letter")
    rows = [len(page) for page in plan.pages]
    assert max(rows) - min(rows) <= 1


def test_strips_stack_as_in_a_strip_collection_when_their_lettering_allows():
    plan = book.plan("strip", panels("strip", 16, texts=False), "A4")
    assert all(len(row) == 4 for page in plan.pages for row in page)
    assert all(2 <= len(page) <= 4 for page in plan.pages)


def test_a_page_that_would_print_small_gives_the_panels_more_room():
    """Long texts on a 4-panel strip cannot take 7 pt at four panels a row: fewer a row."""
    long = [{"kind": "caption", "text": "It was a long morning in Paris, and Ada had walked "
             "all the way to the bakery on the corner of the street before dawn."}]
    cartoon = [{**p, "elements": long} for p in panels("strip", 8, texts=False)]
    plan = book.plan("strip", cartoon, "A4")
    assert max(len(row) for page in plan.pages for row in page) < 4
    assert plan.text_pt >= book.MIN_PT
    assert plan.text_px * plan.scale >= book.MIN_PT


@pytest.mark.parametrize(("paper", "bleed"), [("A4", 8.504), ("Letter", 9.0)])
def test_the_print_edition_has_bleed_trim_and_crop_marks(paper, bleed):
    reader = read(book.pdf(TITLE, "grid", panels("grid", 4, texts=False), paper, bleed=True))
    width, height = book.PAPERS[paper]
    for page in reader.pages:
        trim, box = page.trimbox, page.bleedbox
        assert float(trim.width) == pytest.approx(width, abs=0.01)
        assert float(trim.height) == pytest.approx(height, abs=0.01)
        for inner, outer in ((trim.left, box.left), (trim.bottom, box.bottom)):
            assert float(inner) - float(outer) == pytest.approx(bleed, abs=0.01)
        for inner, outer in ((trim.right, box.right), (trim.top, box.top)):
            assert float(outer) - float(inner) == pytest.approx(bleed, abs=0.01)
        assert float(page.mediabox.width) > float(box.width)  # room for the marks
        assert page.get_contents().get_data().decode().count(" l S") == 8


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="paper"):
        book.plan("strip", panels("strip", 2, texts=False), "A3")


def test_a_panel_without_texts_is_embedded_pixel_for_pixel():
    cartoon = panels("grid", 2, texts=False)
    reader = read(book.pdf(TITLE, "grid", cartoon))
    drawn = [image.image.convert("RGB") for image in reader.pages[1].images]
    assert len(drawn) == 2
    for image, panel in zip(drawn, cartoon, strict=True):
        source = Image.open(io.BytesIO(panel["image"])).convert("RGB")
        assert ImageChops.difference(image, source).getbbox() is None


def test_a_picture_that_is_not_an_rgb_png_is_embedded_losslessly_too():
    grey = io.BytesIO()
    Image.new("LA", (1024, 1024), (90, 255)).save(grey, "PNG")
    cartoon = [{"image": grey.getvalue(), "elements": [], "staging": {}}]
    reader = read(book.pdf(TITLE, "strip", cartoon, "Letter"))
    (image,) = reader.pages[1].images
    assert image.image.convert("RGB").getpixel((10, 10)) == (90, 90, 90)


def test_the_pdf_is_tagged_in_reading_order_with_the_panels_alt_texts():
    cartoon = [{**panel, "alt": f"Ada at the bakery door, shot {n}"}
               for n, panel in enumerate(panels("grid", 3), start=1)]
    reader = read(book.pdf(TITLE, "grid", cartoon, author="Ada L."))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712  a PDF boolean object
    document = root["/StructTreeRoot"]["/K"].get_object()
    assert document["/S"] == "/Document"
    parts = [part.get_object() for part in document["/K"]]
    kinds = [part["/S"] for part in parts]
    assert kinds == ["/H1", "/P"] + ["/Figure", "/P", "/P", "/P"] * 3
    alts = [part["/Alt"] for part in parts if part["/S"] == "/Figure"]
    assert alts == [f"Ada at the bakery door, shot {n}" for n in (1, 2, 3)]
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    order = [(pages[part.raw_get("/Pg").idnum], part["/K"]) for part in parts]
    assert order == sorted(order)  # the structure follows the pages' drawing order


def test_panels_drawn_too_small_for_7_pt_still_make_a_book_that_says_so():
    """A 96 px panel is 23 pt wide at 300 ppi: its caption cannot print at 7 pt. The book is
    made all the same, at the largest size that fits, and its plan reports the size."""
    tiny = [{"image": Image.new("RGB", (96, 96), "white"), "staging": {},
             "elements": [{"kind": "caption", "text": "Caption 1"}]}]
    made = book.editions(TITLE, "strip", tiny)
    assert made.plan.text_pt < book.MIN_PT and made.plan.ppi >= 300 - 1e-6
    text = " ".join(page.extract_text() for page in read(made.plain).pages)
    assert "Caption 1" in " ".join(text.split())


def test_the_text_layer_reads_emphasis_without_its_asterisks():
    scene = [{"image": Image.new("RGB", (512, 512), "white"), "staging": {},
              "elements": [{"kind": "caption", "text": "It was *very* quiet : *too quiet* !"}]}]
    text = " ".join(page.extract_text() for page in read(book.pdf("*Hush*", "strip", scene)).pages)
    assert "It was very quiet : too quiet !" in " ".join(text.split())
    assert "Hush" in text and "*" not in text
