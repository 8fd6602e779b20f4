"""Share links: off by default, made and revoked by the owner only, unguessable, expiring, dead
the moment the cartoon or the account goes, and showing nothing of the account."""

import base64
import hashlib
import itertools
import re
import threading
import urllib.parse
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from chalicelib.accounts import limits
from chalicelib.cartoons import sharing
from chalicelib.core import share_page, vocabulary
from chalicelib.core.models import Cartoon
from devtools.cartoons import cartoon_body
from devtools.client import ApiClient
from tests.support.cartoons import account_of, drain, give
from tests.support.client import later


class Page(HTMLParser):
    """The tags a link preview and a reader use."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.images, self.text = {}, [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")
        if tag == "img":
            self.images.append(attrs)

    def handle_data(self, data):
        self.text.append(data)


def finished(client, aws, scenes=3, **changes):
    give(client, 20, cause=f"seed-{next(SEEDS)}")
    body = cartoon_body(scenes, **changes)
    body["scenes"][0]["elements"] = [{"kind": "speech", "text": "Bonjour, monde !",
                                      "speaker": body["characters"][0]["name"]}]
    for shorthand in ("caption", "dialogue", "speaker"):
        body["scenes"][0].pop(shorthand, None)
    created = client.post("/api/cartoons", body)
    assert created.status == 202, created
    drain(aws["queue_url"])
    cartoon = client.get(f"/api/cartoons/{created.json['cartoon_id']}").json
    assert cartoon["status"] == "done" and cartoon["share"] is None  # off by default
    return cartoon


SEEDS = itertools.count()


def share(client, cartoon_id, body=None):
    return client.post(f"/api/cartoons/{cartoon_id}/share", body)


def path_of(url):
    return urllib.parse.urlsplit(url).path


def test_a_link_shows_the_pages_and_texts_and_nothing_of_the_account(signed_in, client, aws):
    cartoon = finished(signed_in, aws, title="Le Chat & <the> Moon")
    made = share(signed_in, cartoon["cartoon_id"])
    assert made.status == 201, made
    url = made.json["share"]["url"]
    share_id = url.rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", share_id)  # 128 bits, base64url
    assert signed_in.get(f"/api/cartoons/{cartoon['cartoon_id']}").json["share"]["url"] == url

    seen = client.get(path_of(url), headers={"accept": "text/html"})
    assert seen.status == 200
    assert seen.headers["content-type"].startswith("text/html")
    assert "noindex" in seen.headers["x-robots-tag"]
    assert seen.headers["cache-control"] == "no-store"
    html = seen.body.decode()
    page = Page(html)
    assert page.meta["robots"].startswith("noindex")
    assert page.meta["og:title"] == "Le Chat & <the> Moon"
    assert "<the>" not in html  # escaped
    assert path_of(page.meta["og:image"]) == f"{path_of(url)}/preview"
    pages = [img for img in page.images if img["class"] == "shared-page"]
    assert len(pages) == len(cartoon["pages"]) >= 1
    assert all("X-Amz-Expires" in img["src"] for img in page.images)  # short presigned links
    assert "Bonjour, monde !" in page.images[0]["alt"]  # alt text from the panels' texts
    assert "Bonjour, monde !" in "".join(page.text)  # and the transcript
    me = signed_in.get("/api/me").json
    # The opaque ids appear only inside the presigned image addresses (the policy says so).
    outside_images = html
    for img in page.images:
        outside_images = outside_images.replace(img["src"].replace("&", "&amp;"), "")
    for private in ("ada@example.com", "credit", f">{me['balance']}<", me["account_id"]):
        assert private not in outside_images
    assert cartoon["cartoon_id"] not in outside_images


def test_the_preview_redirects_to_a_fresh_short_link_of_the_first_page(signed_in, client, aws):
    cartoon = finished(signed_in, aws)
    url = share(signed_in, cartoon["cartoon_id"]).json["share"]["url"]
    preview = client.get(path_of(url) + "/preview")
    assert preview.status == 302
    location = preview.headers["location"]
    assert "X-Amz-Expires" in location and "/pages/" in location


def test_revoking_deleting_or_erasing_kills_the_link_at_once(app, signed_in, client, aws):
    first = finished(signed_in, aws)
    link = path_of(share(signed_in, first["cartoon_id"]).json["share"]["url"])
    assert client.get(link).status == 200
    assert signed_in.delete(f"/api/cartoons/{first['cartoon_id']}/share").status == 200
    assert client.get(link).status == 404
    assert client.get(link + "/preview").status == 404
    assert signed_in.get(f"/api/cartoons/{first['cartoon_id']}").json["share"] is None

    link = path_of(share(signed_in, first["cartoon_id"]).json["share"]["url"])
    assert client.get(link).status == 200
    assert signed_in.delete(f"/api/cartoons/{first['cartoon_id']}").status == 200
    assert client.get(link).status == 404

    second = finished(signed_in, aws)
    link = path_of(share(signed_in, second["cartoon_id"]).json["share"]["url"])
    assert client.get(link).status == 200
    assert signed_in.delete("/api/me", {"confirm": "ada@example.com"}).status == 200
    dead = client.get(link)
    assert dead.status == 404 and "does not work" in dead.body.decode()


def test_a_new_link_replaces_the_old_one(signed_in, client, aws):
    cartoon = finished(signed_in, aws)
    old = path_of(share(signed_in, cartoon["cartoon_id"]).json["share"]["url"])
    new = path_of(share(signed_in, cartoon["cartoon_id"]).json["share"]["url"])
    assert old != new
    assert client.get(old).status == 404 and client.get(new).status == 200


def test_a_link_expires(signed_in, client, aws):
    cartoon = finished(signed_in, aws)
    made = share(signed_in, cartoon["cartoon_id"], {"expires_in_days": 2}).json["share"]
    assert made["expires_at"] - made["created_at"] == 2 * 86400
    link = path_of(made["url"])
    with freeze_time(later(minutes=2 * 24 * 60 - 1)):
        assert client.get(link).status == 200
    with freeze_time(later(minutes=2 * 24 * 60 + 1)):
        assert client.get(link).status == 404
        assert signed_in.get(f"/api/cartoons/{cartoon['cartoon_id']}").json["share"] is None


@pytest.mark.parametrize("body, field", [
    ({"expires_in_days": 0}, "expires_in_days"), ({"expires_in_days": 366}, "expires_in_days"),
    ({"expires_in_days": "7"}, "expires_in_days"), ({"public": True}, "public")])
def test_bad_requests_are_refused_naming_the_field(signed_in, aws, body, field):
    cartoon = finished(signed_in, aws, scenes=1)
    refused = share(signed_in, cartoon["cartoon_id"], body)
    assert refused.status == 400 and refused.json["error"]["details"]["field"] == field
    assert signed_in.get(f"/api/cartoons/{cartoon['cartoon_id']}").json["share"] is None


def test_an_unfinished_cartoon_cannot_be_shared(signed_in):
    give(signed_in, 20)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(2)).json["cartoon_id"]
    refused = share(signed_in, cartoon_id)
    assert refused.status == 409 and refused.error_code == "cartoon_not_ready"


def test_another_account_can_neither_share_nor_revoke(app, signed_in, client, aws):
    cartoon = finished(signed_in, aws)
    other = ApiClient(app, ip="203.0.113.9")
    other.sign_in("grace@example.com")
    assert share(other, cartoon["cartoon_id"]).status == 404
    link = path_of(share(signed_in, cartoon["cartoon_id"]).json["share"]["url"])
    assert other.delete(f"/api/cartoons/{cartoon['cartoon_id']}/share").status == 404
    assert client.get(link).status == 200  # still alive
    assert share(client, cartoon["cartoon_id"]).status == 401  # signed out
    no_csrf = signed_in.request("POST", f"/api/cartoons/{cartoon['cartoon_id']}/share",
                                csrf=False)
    assert no_csrf.status == 403


@pytest.mark.parametrize("share_id", ["x", "A" * 21, "A" * 23, "%00" * 22, "A" * 21 + "!",
                                      "%2E%2E%2F" * 3])
def test_malformed_and_unknown_ids_get_a_404_page(client, share_id):
    for path in (f"/api/shared/{share_id}", f"/api/shared/{'B' * 22}"):
        answer = client.get(path)
        assert answer.status == 404
        assert answer.headers["content-type"].startswith("text/html")


def test_the_public_page_is_rate_limited_per_address(signed_in, client, aws, monkeypatch):
    monkeypatch.setitem(limits.RULES, "share-view-ip-hour", (3, 3600))
    cartoon = finished(signed_in, aws, scenes=1)
    link = path_of(share(signed_in, cartoon["cartoon_id"]).json["share"]["url"])
    assert [client.get(link).status for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(link, ip="192.0.2.50").status == 200  # another viewer


def test_the_french_page_follows_the_browser(signed_in, client, aws):
    cartoon = finished(signed_in, aws, scenes=1)
    link = path_of(share(signed_in, cartoon["cartoon_id"]).json["share"]["url"])
    page = client.get(link, headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in page.body.decode()
    assert "La lire en texte" in page.body.decode()


def test_revoking_while_sharing_again_leaves_at_most_one_working_link(signed_in, client, aws):
    cartoon = finished(signed_in, aws, scenes=1)
    path = f"/api/cartoons/{cartoon['cartoon_id']}/share"
    made, barrier = [], threading.Barrier(6)

    def make():
        barrier.wait()
        answer = signed_in.post(path)
        if answer.status == 201:
            made.append(path_of(answer.json["share"]["url"]))

    def revoke():
        barrier.wait()
        signed_in.delete(path)

    threads = [threading.Thread(target=make) for _ in range(3)]
    threads += [threading.Thread(target=revoke) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    alive = [link for link in made if client.get(link).status == 200]
    stored = Cartoon.get(account_of(signed_in), cartoon["cartoon_id"]).share_id
    assert len(alive) <= 1
    assert (alive == [] and stored is None) or alive[0].endswith(stored)


def test_the_page_carries_each_scenes_reader_picture_for_phones(signed_in, client, aws):
    cartoon = finished(signed_in, aws, scenes=3)
    link = path_of(share(signed_in, cartoon["cartoon_id"]).json["share"]["url"])
    seen = client.get(link)
    html = seen.body.decode()
    page = Page(html)
    pages = [img for img in page.images if img.get("class") == "shared-page"]
    readers = [img for img in page.images if img.get("class") == "shared-panel"]
    assert len(pages) == len(cartoon["pages"]) and len(readers) == 3
    assert all(img["loading"] == "lazy" for img in page.images)  # the hidden set is not fetched
    for img in page.images:  # each a short presigned link
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(img["src"]).query)
        assert int(query["X-Amz-Expires"][0]) <= 900 and "X-Amz-Signature" in query
    assert [urllib.parse.urlsplit(img["src"]).path.rsplit("/", 1)[1] for img in readers] == [
        "reader-01.webp", "reader-02.webp", "reader-03.webp"]  # in reading order
    # Each reader picture's alt: its own scene's action and texts, and no other scene's.
    for number, (img, scene) in enumerate(zip(readers, cartoon["scenes"], strict=True), 1):
        assert img["alt"].startswith(f"Scene {number}: {scene['action']}")
        others = [s["action"] for s in cartoon["scenes"] if s["number"] != number]
        assert not any(action in img["alt"] for action in others)
        panel = cartoon["panels"][number - 1]["reader"]
        assert (int(img["width"]), int(img["height"])) == (panel["width"], panel["height"])
    speaker = cartoon["scenes"][0]["elements"][0]["speaker"]
    assert readers[0]["alt"].endswith(f"{speaker} says: “Bonjour, monde !”")
    assert "Bonjour, monde !" not in readers[1]["alt"]
    # The inline style that swaps the sets is allowed by its hash, nothing else inline.
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = seen.headers["content-security-policy"]
    assert f"'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "@media (max-width:600px)" in style and 'class="shared-main with-readers"' in html
    me = signed_in.get("/api/me").json
    outside_images = html
    for img in page.images:
        outside_images = outside_images.replace(img["src"].replace("&", "&amp;"), "")
    for private in ("ada@example.com", "credit", me["account_id"], cartoon["cartoon_id"]):
        assert private not in outside_images
    french = Page(client.get(link, headers={"accept-language": "fr"}).body.decode())
    assert [img["alt"].split("\u00a0:")[0] for img in french.images
            if img["class"] == "shared-panel"] == ["Scène 1", "Scène 2", "Scène 3"]
    # The texts in French too, as the owner's page words them: who says it, in « ».
    said = f"{speaker} dit\u00a0: «\u00a0Bonjour, monde !\u00a0»"
    assert said in french.images[-3]["alt"] and said in "".join(french.text)


def test_an_older_cartoon_without_reader_pictures_shows_its_pages(signed_in, client, aws):
    cartoon = finished(signed_in, aws, scenes=2)
    link = path_of(share(signed_in, cartoon["cartoon_id"]).json["share"]["url"])
    Cartoon.get(account_of(signed_in), cartoon["cartoon_id"]).update(
        actions=[Cartoon.reader_keys.remove()])
    html = client.get(link).body.decode()
    page = Page(html)
    assert [img["class"] for img in page.images] == ["shared-page"] * len(cartoon["pages"])
    assert '<main class="shared-main">' in html  # so no media query hides the pages


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_words_each_kind_of_text_in_both_languages(lang):
    """The share page (and the e-book) say each kind of the registry its own way: who
    whispers, shouts, thinks, speaks off panel, and a sound effect; a balloon without a
    speaker reads as a caption."""
    t = share_page.words_of(lang)
    said = {kind: share_page.said({"kind": kind, "text": "Hop", "speaker": "Ana" if spec[
        "speaker"] else ""}, t) for kind, spec in vocabulary.KINDS.items()}
    nbsp = "\u00a0"
    expected = {
        "en": {"whisper": "Ana whispers: “Hop”", "shout": "Ana shouts: “Hop”",
               "thought": "Ana thinks: “Hop”", "offpanel": "Ana, off panel: “Hop”",
               "sound": "Sound effect: “Hop”"},
        "fr": {"whisper": f"Ana chuchote{nbsp}: «{nbsp}Hop{nbsp}»",
               "shout": f"Ana crie{nbsp}: «{nbsp}Hop{nbsp}»",
               "thought": f"Ana pense{nbsp}: «{nbsp}Hop{nbsp}»",
               "offpanel": f"Ana, hors champ{nbsp}: «{nbsp}Hop{nbsp}»",
               "sound": f"Onomatopée{nbsp}: «{nbsp}Hop{nbsp}»"}}[lang]
    assert {kind: said[kind] for kind in expected} == expected
    assert len(set(said.values())) == len(said)
    assert share_page.said({"kind": "shout", "text": "Hop", "speaker": ""}, t) == said["caption"]


def test_the_transcript_says_the_words_without_their_emphasis_markup():
    """`*word*` is lettered bold; read aloud (the share page, the e-book, alt text) it is the
    word alone, and an asterisk that stresses nothing stays."""
    scene = SimpleNamespace(number=3, action="Ana sees it.", elements=[
        {"kind": "speech", "speaker": "Ana", "text": "*Never* again, *not* here. 5 * 3"}])
    line = sharing.transcript_line(scene)
    assert line["said"] == [{"kind": "speech", "speaker": "Ana",
                             "text": "Never again, not here. 5 * 3"}]
