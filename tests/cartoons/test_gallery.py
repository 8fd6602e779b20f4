"""The gallery: newest first, one query a page, stable cursors, isolation, deletion."""

import urllib.parse

import boto3

from chalicelib.adapters import storage
from chalicelib.core.models import Account, Cartoon, LedgerEntry, Scene
from chalicelib.core.settings import get_settings
from devtools.cartoons import cartoon_body
from devtools.cartoons import seed_cartoons as seed
from devtools.client import ApiClient
from local.aws_calls import counting, model_clients
from tests.support.cartoons import R, drain, give


def create(client, title, scenes=1):
    response = client.post("/api/cartoons", cartoon_body(scenes, title=title))
    assert response.status == 202, response
    return response.json["cartoon_id"]


def objects_under(prefix):
    listing = boto3.client("s3").list_objects_v2(Bucket=get_settings().images_bucket,
                                                 Prefix=prefix)
    return [o["Key"] for o in listing.get("Contents", [])]


def test_a_page_describes_each_cartoon_with_short_presigned_urls(signed_in, aws):
    give(signed_in, 20 + 2 * R)
    first = create(signed_in, "First", scenes=2)
    drain(aws["queue_url"])
    second = create(signed_in, "Second")
    listing = signed_in.get("/api/gallery").json
    assert [c["id"] for c in listing["cartoons"]] == [second, first]
    newest, oldest = listing["cartoons"]
    assert newest["status"] == "drawing" and newest["thumbnail_url"] is None
    assert oldest["title"] == "First" and oldest["scene_count"] == 2
    assert oldest["status"] == "done" and oldest["scenes_done"] == 2
    assert oldest["created_at"].startswith("20") and listing["next_cursor"] is None
    account_id = signed_in.get("/api/me").json["account_id"]
    for url in (oldest["thumbnail_url"], oldest["strip_url"]):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        assert int(query["X-Amz-Expires"][0]) <= 15 * 60
        assert f"/users/{account_id}/cartoons/{first}/" in url


def test_a_page_is_one_query_whatever_the_gallery_size(signed_in):
    account_id = signed_in.get("/api/me").json["account_id"]
    seed(account_id, 120)
    s3 = storage.get_s3()
    with counting(s3, *model_clients(Account, Cartoon, Scene)) as calls:
        response = signed_in.get("/api/gallery", query={"limit": "50"})
    assert response.status == 200 and len(response.json["cartoons"]) == 50
    assert calls["dynamodb:Query"] == 1
    assert calls["dynamodb:Scan"] == 0
    assert sum(n for op, n in calls.items() if op.startswith("s3:")) == 0  # presigned locally
    assert sum(calls.values()) == 2  # the session's account, and the page


def test_pages_have_no_duplicates_or_gaps_while_new_cartoons_arrive(signed_in):
    account_id = signed_in.get("/api/me").json["account_id"]
    original = seed(account_id, 23)
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": "5"} | ({"cursor": cursor} if cursor else {})
        page = signed_in.get("/api/gallery", query=query).json
        seen += [c["id"] for c in page["cartoons"]]
        pages += 1
        seed(account_id, 2, start_ms=1_800_000_000_000 + pages * 10_000)  # newer ones arrive
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(original, reverse=True)
    assert pages == 5


def test_bad_cursors_and_limits_get_400(signed_in):
    for query in ({"cursor": "not-a-cursor"}, {"cursor": "AAAA"}, {"cursor": "x" * 300},
                  {"limit": "0"}, {"limit": "51"}, {"limit": "ten"}, {"limit": "-1"}):
        response = signed_in.get("/api/gallery", query=query)
        assert response.status == 400, query
    assert signed_in.get("/api/gallery", query={"limit": "50"}).status == 200


def test_the_default_page_is_24(signed_in):
    account_id = signed_in.get("/api/me").json["account_id"]
    seed(account_id, 30)
    page = signed_in.get("/api/gallery").json
    assert len(page["cartoons"]) == 24 and page["next_cursor"]


def test_another_accounts_cartoons_are_invisible_on_every_route(app, signed_in, aws):
    give(signed_in, 10 + 3 * R)
    mine = create(signed_in, "Mine")
    drain(aws["queue_url"])
    owner = signed_in.get("/api/me").json["account_id"]
    other = ApiClient(app, ip="192.0.2.200")
    other.sign_in("eve@example.com")
    give(other, 10 + 3 * R)
    assert other.get("/api/gallery").json["cartoons"] == []
    routes = [("GET", f"/api/cartoons/{mine}", None),
              ("DELETE", f"/api/cartoons/{mine}", None),
              ("PATCH", f"/api/cartoons/{mine}/scenes/1", {"caption": "Hacked"}),
              ("POST", f"/api/cartoons/{mine}/scenes/1/redraw", None)]
    for method, path, body in routes:
        response = other.request(method, path, body)
        assert response.status == 404, (method, path, response)
        assert "users/" not in response.body.decode()
    assert objects_under(f"users/{owner}/cartoons/{mine}/")
    assert signed_in.get(f"/api/cartoons/{mine}").json["scenes"][0]["caption"] == "Caption 1"
    assert other.get("/api/me").json["balance"] == 10 + 3 * R


def test_deleting_a_cartoon_removes_its_images_and_items_but_not_the_ledger(signed_in, aws):
    give(signed_in, 10 + 3 * R)
    doomed, kept = create(signed_in, "Doomed", scenes=2), create(signed_in, "Kept")
    drain(aws["queue_url"])
    account_id = signed_in.get("/api/me").json["account_id"]
    entries_before = LedgerEntry.count(account_id)
    assert objects_under(f"users/{account_id}/cartoons/{doomed}/")
    response = signed_in.delete(f"/api/cartoons/{doomed}")
    assert response.status == 200, response
    assert objects_under(f"users/{account_id}/cartoons/{doomed}/") == []
    assert objects_under(f"users/{account_id}/cartoons/{kept}/")
    assert signed_in.get(f"/api/cartoons/{doomed}").status == 404
    assert [c["id"] for c in signed_in.get("/api/gallery").json["cartoons"]] == [kept]
    assert Scene.count(account_id, Scene.scene_key.startswith(doomed)) == 0
    assert LedgerEntry.count(account_id) == entries_before
    assert signed_in.delete(f"/api/cartoons/{doomed}").status == 404


def test_a_cartoon_still_drawing_cannot_be_deleted(signed_in):
    give(signed_in, 10 + 3 * R)
    drawing = create(signed_in, "Busy")
    response = signed_in.delete(f"/api/cartoons/{drawing}")
    assert response.status == 409
    assert signed_in.get(f"/api/cartoons/{drawing}").status == 200


def test_a_failed_scene_shows_the_cartoon_as_incomplete(signed_in, aws, openai_fake):
    from devtools.cartoons import ACTIONS

    give(signed_in, 10 + 3 * R)
    openai_fake.on("edits", contains=ACTIONS[0], behaviours=["moderation_blocked"])
    cartoon_id = create(signed_in, "Unlucky", scenes=2)
    drain(aws["queue_url"])
    (card,) = signed_in.get("/api/gallery").json["cartoons"]
    assert card["id"] == cartoon_id and card["status"] == "incomplete"
    assert card["scenes_done"] == 1 and card["thumbnail_url"]  # the panel that was drawn
