"""The cartoon steps the tests, local/race_check.py and the benchmarks share: a cartoon request,
the queue's address in moto, the ledger's sum, and finished cartoons seeded in bulk."""

import copy

import boto3

from chalicelib.core.models import LedgerEntry

CHARACTERS = [
    {"name": "Ada", "description": "A tall inventor with round glasses and a green coat."},
    {"name": "Bram", "description": "A small grey cat with a red scarf."},
    {"name": "Cleo", "description": "A grandmother with silver hair and a yellow umbrella."},
]
ACTIONS = [
    "Ada finds a strange machine in the attic.",
    "Bram jumps onto the machine and presses a button.",
    "Ada and Bram are lifted into the sky by the machine.",
    "Cleo watches from the garden, surprised.",
    "The machine lands in a field of sunflowers.",
    "Ada waves at Cleo from far away.",
    "Bram naps on the warm machine.",
    "Everyone has tea together at sunset.",
]
CASTS = [["Ada"], ["Bram"], ["Ada", "Bram"], ["Cleo"], [], ["Ada", "Cleo"], ["Bram"],
         ["Ada", "Bram", "Cleo"]]


def cartoon_body(scenes=3, quality="low", **changes):
    body = {
        "title": "The attic machine",
        "context": "A sleepy seaside town in the 1950s, warm summer light, gentle humour.",
        "style": "ligne-claire",
        "quality": quality,
        "characters": copy.deepcopy(CHARACTERS),
        "scenes": [{"action": ACTIONS[i], "characters": list(CASTS[i]),
                    "caption": f"Caption {i + 1}"} for i in range(scenes)],
    }
    body["scenes"][0]["dialogue"] = "What is this?"
    body["scenes"][0]["speaker"] = "Ada"
    body.update(changes)
    return body


def sqs():
    return boto3.client("sqs", region_name="eu-west-3")


def queue_arn(queue_url):
    return sqs().get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]


def ledger_sum(account_id):
    return sum(int(entry.delta) for entry in LedgerEntry.query(account_id))


def seed_cartoons(account_id, count, start_ms=1_790_000_000_000):
    """Finished cartoon items as the API and worker leave them, in bulk (drawing them would
    take minutes); returns their ids, oldest first."""
    import datetime

    from chalicelib.adapters import storage
    from chalicelib.core.models import Cartoon

    now, ids = datetime.datetime.now(datetime.UTC), []
    with Cartoon.batch_write() as batch:
        for n in range(count):
            cartoon_id = f"{start_ms + n * 1000:013d}{n:08x}"
            key = storage.cartoon_key(account_id, cartoon_id, "strip.webp")
            batch.save(Cartoon(account_id, cartoon_id, title=f"Cartoon {n}", context="c",
                               style="manga", style_prompt="manga", quality="low",
                               credits_per_scene=1, scene_count=1, cost=1, characters=[],
                               created_at=now, status="done", scenes_done=1, strip_key=key,
                               strip_thumb_key=key))
            ids.append(cartoon_id)
    return ids


# A finished 7-scene `tiers` cartoon as the cartoon page's journeys and its benchmark make it:
# each scene's texts and who is in it.
TIERS_TALK = [
    [{"kind": "caption", "text": "Summer, 1956. The attic at Ada's."},
     {"kind": "speech", "speaker": "Ada", "text": "What on earth is this machine?"}],
    [{"kind": "speech", "speaker": "Bram", "text": "Mrrp? A big red button!"}],
    [{"kind": "speech", "speaker": "Ada", "text": "Hold on tight, Bram!"},
     {"kind": "thought", "speaker": "Bram", "text": "I regret everything."}],
    [{"kind": "speech", "speaker": "Cleo", "text": "Is that my neighbour… flying?"}],
    [{"kind": "caption", "text": "They landed softly among the sunflowers."}],
    [{"kind": "speech", "speaker": "Ada", "text": "Cleo! Up here!"},
     {"kind": "speech", "speaker": "Cleo", "text": "Come down for tea!"}],
    [{"kind": "thought", "speaker": "Bram", "text": "Warm. Purr."}],
]
TIERS_CASTS = [["Ada"], ["Bram"], ["Ada", "Bram"], ["Cleo"], [], ["Ada", "Cleo"], ["Bram"]]


def tiers_body():
    return {
        "title": "The attic machine", "layout": "tiers", "style": "ligne-claire",
        "context": "A sleepy seaside town in the 1950s, warm summer light, gentle humour.",
        "quality": "low",
        "characters": [
            {"name": "Ada", "description": "A tall inventor with round glasses, green coat."},
            {"name": "Bram", "description": "A small grey cat with a red scarf."},
            {"name": "Cleo", "description": "A grandmother with silver hair."}],
        "scenes": [{"action": f"Scene {i + 1} of the attic machine.", "characters": cast,
                    "elements": talk}
                   for i, (talk, cast) in enumerate(zip(TIERS_TALK, TIERS_CASTS, strict=True))]}
