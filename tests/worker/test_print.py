"""The printed book and the webtoon episode through the real queue and handler: stored under
the cartoon's prefix, downloaded through short presigned URLs, and built again when the
lettering changes."""

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

import boto3
import pypdf
import pytest
from PIL import Image

from chalicelib.comic import book
from chalicelib.core.settings import get_settings
from devtools.cartoons import cartoon_body
from tests.support.cartoons import R, drain, give, key_of


def stored(key):
    answer = boto3.client("s3", region_name="eu-west-3").get_object(
        Bucket=get_settings().images_bucket, Key=key)
    return answer["ContentType"], answer["Body"].read()


def download_name(link):
    return parse_qs(urlsplit(link["download_url"]).query)["response-content-disposition"]


def test_the_webtoon_layout_gets_its_episode_and_print_editions(signed_in, aws):
    account_id = give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons",
                                cartoon_body(3, layout="webtoon")).json["cartoon_id"]
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    prefix = f"users/{account_id}/cartoons/{cartoon_id}/pages/"
    kind, data = stored(key_of(state["webtoon"]["download_url"]))
    assert kind == "application/zip" and key_of(state["webtoon"]["download_url"]).startswith(
        prefix)
    assert download_name(state["webtoon"]) == [
        'attachment; filename="the-attic-machine-webtoon.zip"']
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["001.png", "002.png", "003.png"]
    for name in archive.namelist():
        image = Image.open(io.BytesIO(archive.read(name)))
        assert image.width == 800 and image.height <= 1280
    for field, size, name in (("pdf_bleed", "A4", "the-attic-machine-print.pdf"),
                              ("pdf_letter_bleed", "Letter",
                               "the-attic-machine-letter-print.pdf")):
        kind, data = stored(key_of(state[field]["url"]))
        assert kind == "application/pdf" and download_name(state[field]) == [
            f'attachment; filename="{name}"']
        page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
        assert (float(page.trimbox.width), float(page.trimbox.height)) == pytest.approx(
            book.PAPERS[size], abs=0.01)
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(
        stored(key_of(state["pdf"]["url"]))[1])).pages)  # a balloon's lines, as one text
    assert "The attic machine" in text and "What is this?" in text and "Caption 3" in text


def test_an_edit_of_the_lettering_builds_the_book_and_episode_again(signed_in, aws):
    give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons",
                                cartoon_body(2, layout="webtoon")).json["cartoon_id"]
    drain(aws["queue_url"])
    before = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    answer = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2",
                             {"caption": "The machine hums"})
    assert answer.json["pdf_bleed"] is None and answer.json["webtoon"] is None  # composing
    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    for field in ("pdf", "pdf_letter", "pdf_bleed", "pdf_letter_bleed"):
        old, new = key_of(before[field]["url"]), key_of(after[field]["url"])
        assert old != new
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
            stored(new)[1])).pages)
        assert "The machine hums" in text and "Caption 2" not in text
    assert key_of(after["webtoon"]["download_url"]) != key_of(before["webtoon"]["download_url"])


def test_other_layouts_have_no_webtoon_episode(signed_in, aws):
    give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["webtoon"] is None and state["pdf_bleed"]["url"]


def test_the_owners_chosen_name_is_on_the_title_page_only_if_given(signed_in, aws):
    give(signed_in, 20 + 2 * R)
    named = signed_in.post("/api/cartoons", cartoon_body(1, author="  Ada Lovelace ")).json[
        "cartoon_id"]
    plain = signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    drain(aws["queue_url"])
    for cartoon_id, author in ((named, "Ada Lovelace"), (plain, None)):
        state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
        assert state["author"] == author
        document = pypdf.PdfReader(io.BytesIO(stored(key_of(state["pdf"]["url"]))[1]))
        title_page = document.pages[0].extract_text()
        assert "The attic machine" in title_page
        assert ("Ada Lovelace" in title_page) is (author is not None)
        assert document.metadata.author == author
