"""The composed comic, drawing offline through the real queue and handler: each scene drawn at
its page cell's size and staged, the pages at full resolution with their lettering, a PDF and a
CBZ stored under the cartoon's prefix and presigned, and an edit of the elements composing
them again."""

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

import boto3
import pypdf
from PIL import Image

from chalicelib.adapters import images
from chalicelib.comic import layouts
from chalicelib.core.models import Cartoon, Scene
from chalicelib.core.settings import get_settings
from devtools.cartoons import cartoon_body
from tests.support.cartoons import R, drain, give, key_of, stored


def test_each_scene_is_drawn_at_its_cells_size_and_staged(signed_in, aws, monkeypatch):
    seen = []
    real = images.OfflineImages.scene

    def scene(self, request, deadline):
        seen.append((request.number, request.size, request.staging))
        return real(self, request, deadline)

    monkeypatch.setattr(images.OfflineImages, "scene", scene)
    give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(5)).json["cartoon_id"]
    drain(aws["queue_url"])
    sizes = layouts.drawing_sizes("auto", 5)
    assert sorted(seen, key=lambda s: s[0]) == [
        (1, sizes[0], {"Ada": "centre"}), (2, sizes[1], {"Bram": "centre"}),
        (3, sizes[2], {"Ada": "left", "Bram": "right"}), (4, sizes[3], {"Cleo": "centre"}),
        (5, sizes[4], {})]
    assert sizes[0][0] > sizes[0][1] and sizes[1][0] < sizes[0][0]  # a wide opening panel
    account_id = signed_in.get("/api/me").json["account_id"]
    panel = Scene.get(account_id, f"{cartoon_id}#01").image_key
    assert Image.open(io.BytesIO(stored(panel)[1])).size == sizes[0]


def test_pages_a_pdf_and_a_cbz_are_stored_and_presigned(signed_in, aws):
    account_id = give(signed_in, 20 + R)
    body = cartoon_body(6, layout="grid")
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["status"] == "done" and len(state["pages"]) == 2  # 4 + 2 on a grid
    prefix = f"users/{account_id}/cartoons/{cartoon_id}/pages/"
    assert [state["strip"][k] for k in ("url", "thumbnail_url")] == [
        state["pages"][0][k] for k in ("url", "thumbnail_url")]  # the strip is page 1
    pngs = []
    for number, page in enumerate(state["pages"], start=1):
        kind, png = stored(key_of(page["url"]))
        assert key_of(page["url"]).startswith(prefix) and kind == "image/png"
        assert Image.open(io.BytesIO(png)).width >= 2 * 1008  # two panels at full width
        assert stored(key_of(page["thumbnail_url"]))[0] == "image/webp"
        assert parse_qs(urlsplit(page["download_url"]).query)[
            "response-content-disposition"] == [
            f'attachment; filename="the-attic-machine-page-{number}.png"']
        pngs.append(png)
    kind, data = stored(key_of(state["pdf"]["download_url"]))
    assert kind == "application/pdf" and key_of(state["pdf"]["url"]).startswith(prefix)
    document = pypdf.PdfReader(io.BytesIO(data))
    # The printed book (comic/book.py): a title page, then the 6 panels on one portrait page.
    assert len(document.pages) == 2 and document.metadata.title == "The attic machine"
    assert {tuple(round(float(v)) for v in p.mediabox[2:]) for p in document.pages} == {
        (595, 842)}  # A4, portrait
    kind, data = stored(key_of(state["pdf_letter"]["download_url"]))
    assert kind == "application/pdf" and key_of(state["pdf_letter"]["url"]).startswith(prefix)
    assert parse_qs(urlsplit(state["pdf_letter"]["download_url"]).query)[
        "response-content-disposition"] == ['attachment; filename="the-attic-machine-letter.pdf"']
    letter = pypdf.PdfReader(io.BytesIO(data))
    assert len(letter.pages) == 2 and letter.metadata.title == "The attic machine"
    assert {tuple(round(float(v)) for v in p.mediabox[2:]) for p in letter.pages} == {
        (612, 792)}  # US Letter, portrait
    kind, data = stored(key_of(state["cbz"]["download_url"]))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["page-001.png", "page-002.png", "ComicInfo.xml"]
    assert [archive.read(n) for n in archive.namelist()[:2]] == pngs
    cartoon = Cartoon.get(account_id, cartoon_id)
    assert cartoon.strip_thumb_key == cartoon.page_thumb_keys[0]  # the gallery's cover


def test_an_edit_of_the_elements_composes_the_pages_again(signed_in, aws):
    account_id = give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    drain(aws["queue_url"])
    before = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    elements = [{"kind": "thought", "text": "A button. Of course.", "speaker": "Bram",
                 "at": [0.3, 0.15], "tail": [0.5, 0.6]}]
    answer = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", {"elements": elements})
    assert answer.status == 200 and answer.json["status"] == "composing"
    assert answer.json["pages"] == [] and answer.json["pdf"] is None
    assert answer.json["scenes"][1]["elements"] == [{**elements[0], "speaker": "Bram"}]
    assert answer.json["scenes"][1]["caption"] == ""  # the shorthand mirrors the elements
    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert after["status"] == "done"
    old, new = key_of(before["pages"][0]["url"]), key_of(after["pages"][0]["url"])
    assert old != new and stored(new)[1] != b""
    keys = boto3.client("s3", region_name="eu-west-3").list_objects_v2(
        Bucket=get_settings().images_bucket, Prefix=f"users/{account_id}/")["Contents"]
    assert old not in {k["Key"] for k in keys}  # the old pages went
    assert Cartoon.get(account_id, cartoon_id).pdf_key.startswith(new.rsplit("/", 1)[0])


def test_an_edit_whose_text_does_not_fit_is_refused_naming_it(signed_in, aws):
    give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    drain(aws["queue_url"])
    elements = [{"kind": "caption", "text": "Fine."},
                {"kind": "speech", "text": "W" * 300, "speaker": "Bram"}]
    answer = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", {"elements": elements})
    assert answer.status == 400
    assert answer.json["error"]["details"]["field"] == "scenes[1].elements[1].text"
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["status"] == "done" and state["scenes"][1]["caption"] == "Caption 2"


def test_a_cartoon_composed_before_pages_keeps_its_strip_until_an_edit(signed_in, aws):
    """Stored as the strip-only version left it: no layout, elements, staging or pages, and
    the strip's version-1 fingerprint. It reads done with its strip; an edit composes pages."""
    from chalicelib.cartoons import scenes, strips

    account_id = give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    drain(aws["queue_url"])
    for scene in scenes.for_cartoon(account_id, cartoon_id):
        scene.update(actions=[Scene.elements.remove(), Scene.staging.remove()])
    cartoon = Cartoon.get(account_id, cartoon_id)
    old = strips.strip_only_inputs(cartoon, scenes.for_cartoon(account_id, cartoon_id))
    cartoon.update(actions=[Cartoon.layout.remove(), Cartoon.page_keys.remove(),
                            Cartoon.page_thumb_keys.remove(), Cartoon.pdf_key.remove(),
                            Cartoon.cbz_key.remove(), Cartoon.strip_inputs.set(old)])
    shown = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert shown["status"] == "done" and shown["layout"] == "auto"
    assert key_of(shown["strip"]["url"]) == cartoon.strip_key
    assert shown["pages"] == [] and shown["pdf"] is None and shown["cbz"] is None
    assert shown["scenes"][0]["elements"][1] == {"kind": "speech", "text": "What is this?",
                                                 "speaker": "Ada"}
    answer = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/1", {"caption": "Before"})
    assert answer.json["status"] == "composing" and answer.json["strip"] is None
    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert after["status"] == "done" and len(after["pages"]) == 1 and after["pdf"]
    assert key_of(after["strip"]["url"]) != cartoon.strip_key


def test_the_view_gives_each_panels_geometry_and_its_reader_picture(signed_in, aws):
    account_id = give(signed_in, 20)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(6, layout="tiers")).json[
        "cartoon_id"]
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    prefix = f"users/{account_id}/cartoons/{cartoon_id}/pages/"
    assert [p["number"] for p in state["panels"]] == list(range(1, 7))
    for panel, scene in zip(state["panels"], state["scenes"], strict=True):
        page = state["pages"][panel["page"] - 1]
        png = Image.open(io.BytesIO(stored(key_of(page["url"]))[1]))
        assert png.size == (page["width"], page["height"])
        left, top, right, bottom = panel["box"]
        assert 0 < left < right < page["width"] and 0 < top < bottom < page["height"]
        assert len(panel["elements"]) == len(scene["elements"])
        kind, data = stored(key_of(panel["reader"]["url"]))
        assert kind == "image/webp" and key_of(panel["reader"]["url"]).startswith(prefix)
        picture = Image.open(io.BytesIO(data))
        assert picture.size == (panel["reader"]["width"], panel["reader"]["height"])
        if scene["elements"]:  # legible at a 390 px phone's width
            assert panel["reader"]["text_px"] * 390 / picture.width >= 14
    # A balloon moved by its owner: the next composition says where it now is.
    before = {key_of(p["reader"]["url"]) for p in state["panels"]}
    elements = [{"kind": "speech", "speaker": "Ada", "text": "Over here!",
                 "at": [0.7, 0.55], "tail": [0.8, 0.85]}]
    assert signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/3",
                           {"elements": elements}).status == 200
    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    moved = after["panels"][2]["elements"][0]
    assert moved["at"] == [0.7, 0.55] and moved["tail"] == [0.8, 0.85]
    keys = {k["Key"] for k in boto3.client("s3", region_name="eu-west-3").list_objects_v2(
        Bucket=get_settings().images_bucket, Prefix=prefix)["Contents"]}
    assert not before & keys  # the old reader pictures went with the old pages
    assert {key_of(p["reader"]["url"]) for p in after["panels"]} <= keys


def test_a_cartoon_whose_scene_has_no_text_is_composed_and_described(signed_in, aws):
    """A panel with nothing to letter has no text size: the view says null, as declared (the
    client checks every answer against the API document)."""
    give(signed_in, 20 + R)
    body = cartoon_body(1)
    body["scenes"][0] = {"action": body["scenes"][0]["action"],
                         "characters": body["scenes"][0]["characters"]}
    cartoon_id = signed_in.post("/api/cartoons", body).json["cartoon_id"]
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["status"] == "done" and state["panels"][0]["text_px"] is None


def test_each_page_is_kept_unlettered_for_the_overlay_and_a_width_edit_reaches_it(signed_in,
                                                                                    aws):
    account_id = give(signed_in, 10 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    drain(aws["queue_url"])
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    (page,) = state["pages"]
    kind, art = stored(key_of(page["art_url"]))
    assert kind == "image/webp" and Image.open(io.BytesIO(art)).size == (page["width"],
                                                                         page["height"])
    placed = state["panels"][1]["elements"]
    assert [" ".join(e["lines"]) for e in placed] == [e["text"]
                                                      for e in state["scenes"][1]["elements"]]
    elements = [{**e, "width": 0.5} if n == 0 else e
                for n, e in enumerate(state["scenes"][1]["elements"])]
    answer = signed_in.patch(f"/api/cartoons/{cartoon_id}/scenes/2", {"elements": elements})
    assert answer.status == 200 and answer.json["scenes"][1]["elements"][0]["width"] == 0.5
    drain(aws["queue_url"])
    after = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    edited = after["panels"][1]["elements"][0]
    assert edited["width"] == 0.5 and abs(edited["box"][2] - edited["box"][0] - 0.5) < 0.003
    old_art, new_art = key_of(page["art_url"]), key_of(after["pages"][0]["art_url"])
    keys = boto3.client("s3", region_name="eu-west-3").list_objects_v2(
        Bucket=get_settings().images_bucket, Prefix=f"users/{account_id}/")["Contents"]
    assert new_art in {k["Key"] for k in keys} and old_art not in {k["Key"] for k in keys}
