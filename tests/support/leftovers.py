"""What an erasure or a deletion may leave behind: every item of every table, and the objects
(every version, and open multipart uploads) under a prefix of the images bucket."""

import boto3

from chalicelib.adapters import storage
from chalicelib.core.models import ALL_MODELS, PendingErasure
from chalicelib.core.settings import get_settings


def dump_everything(but=()):
    """Every item of every table but those of the models in `but`, as text."""
    dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
    return "".join(str(dynamodb.scan(TableName=m.Meta.table_name)["Items"]) for m in ALL_MODELS
                   if m not in but)


def pending_sweeps():
    """The account ids whose erasure waits for its final sweep (all a PendingErasure holds)."""
    return sorted(item.account_id for item in PendingErasure.scan())


def objects_under(prefix):
    """Every version, delete marker and open multipart upload under a prefix."""
    s3, bucket = boto3.client("s3", region_name="eu-west-3"), get_settings().images_bucket
    versions = s3.list_object_versions(Bucket=bucket, Prefix=prefix)
    uploads = s3.list_multipart_uploads(Bucket=bucket, Prefix=prefix)
    return sorted(v["Key"] for v in versions.get("Versions", []) + versions.get(
        "DeleteMarkers", []) + uploads.get("Uploads", []))


def objects_of_account(account_id):
    return (objects_under(storage.account_prefix(account_id))
            + objects_under(storage.export_prefix(account_id)))


def objects_of_cartoon(account_id, cartoon_id):
    return objects_under(storage.cartoon_key(account_id, cartoon_id, "x")[:-1])


def objects_of_library(account_id):
    """The pictures of an account's character library (under its own prefix)."""
    return objects_under(f"{storage.account_prefix(account_id)}library/")


def saved_characters_of(account_id):
    """Every saved character item of an account, read straight from the table."""
    from chalicelib.core.models import SavedCharacter

    return list(SavedCharacter.query(account_id, consistent_read=True))
