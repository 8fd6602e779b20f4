"""The CBZ as comic readers take it: ComicInfo.xml valid against the Anansi Project's schema
v2.0 (ComicInfo-v2.0.xsd beside this file), zero-padded page names, every entry stored, and the
archive opened by a real comic library, comicapi (ComicTagger's), which reads its metadata."""

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema
from comicapi.comicarchive import ComicArchive

from chalicelib.comic import exports
from tests.support.pictures import png

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("ComicInfo-v2.0.xsd"))
PAGES = [png((1200, 1700), (200, 80, 80), pattern=True), png((1200, 900), (80, 200, 80)),
         png((2400, 800), (80, 80, 200))]
TITLE = "Le café — « Fish & <Chips> »"


def test_comic_info_follows_the_schema_with_each_page_and_its_size():
    info = exports.comic_info(TITLE, PAGES, "fr")
    SCHEMA.validate(info.decode())  # raises on any element out of the schema's order or type
    data = SCHEMA.to_dict(info.decode())
    assert data["Title"] == TITLE and data["PageCount"] == 3
    assert data["LanguageISO"] == "fr" and data["Manga"] == "No"
    pages = data["Pages"]["Page"]
    assert [p["@Image"] for p in pages] == [0, 1, 2]
    assert [p["@Type"] for p in pages] == [["FrontCover"], ["Story"], ["Story"]]
    assert [(p["@ImageWidth"], p["@ImageHeight"]) for p in pages] == [
        (1200, 1700), (1200, 900), (2400, 800)]
    assert [p["@ImageSize"] for p in pages] == [len(page) for page in PAGES]


def test_the_schema_refuses_what_a_reader_would_not_take():
    """The check can fail: an element out of the sequence's order, or a Manga value the
    schema does not know, is refused."""
    info = exports.comic_info(TITLE, PAGES, "en").decode()
    for broken in (info.replace("<Manga>No</Manga>", "<Manga>Nope</Manga>"),
                   info.replace("<PageCount>3</PageCount>", "").replace(
                       "<Manga>No</Manga>", "<Manga>No</Manga><PageCount>3</PageCount>")):
        with pytest.raises(xmlschema.XMLSchemaValidationError):
            SCHEMA.validate(broken)


def test_pages_are_zero_padded_in_order_and_stored():
    with zipfile.ZipFile(io.BytesIO(exports.cbz(TITLE, PAGES, "fr"))) as archive:
        entries = archive.infolist()
        assert [e.filename for e in entries] == [
            "page-001.png", "page-002.png", "page-003.png", "ComicInfo.xml"]
        assert {e.compress_type for e in entries} == {zipfile.ZIP_STORED}
        assert [archive.read(e) for e in entries[:3]] == PAGES


def test_a_comic_library_reads_its_metadata_and_pages(tmp_path):
    path = tmp_path / "cartoon.cbz"
    path.write_bytes(exports.cbz(TITLE, PAGES, "fr"))
    comic = ComicArchive(path)
    assert comic.seems_to_be_a_comic_archive() and comic.has_cix()
    assert comic.get_number_of_pages() == 3
    assert comic.get_page_name_list() == ["page-001.png", "page-002.png", "page-003.png"]
    assert comic.get_page(0) == PAGES[0]
    metadata = comic.read_cix()
    assert metadata.title == TITLE and metadata.page_count == 3
    assert metadata.language == "fr" and metadata.manga == "No"
    assert metadata.pages[0]["Type"] == "FrontCover"
    assert [int(p["ImageWidth"]) for p in metadata.pages] == [1200, 1200, 2400]
