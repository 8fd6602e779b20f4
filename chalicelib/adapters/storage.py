"""The private images bucket: keys the server makes under `users/<account>/` (data exports under
`exports/<account>/`, pictures people upload under `uploads/<account>/`), short presigned URLs
for reading, presigned POSTs for uploading, nothing public.

Keys are built here and only here, from ids the server made, so no request can name a key
outside its own account's prefix.
"""

import functools
import re

from botocore.config import Config

from chalicelib.adapters import aws
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import get_settings

_ID = Pattern(r"^[A-Za-z0-9_-]{1,64}$")
# Temporary exports live under this prefix; production's lifecycle rule deletes them.
EXPORTS_PREFIX = "exports/"
EXPORTS_EXPIRE_DAYS = 1
# Pictures people upload (a character's starting point) live outside `users/`, one prefix per
# upload under the owner's, so the cleanup lists only uploads (never the whole bucket) to delete
# those past their lifetime; production's lifecycle rule is the backstop.
UPLOADS_PREFIX = "uploads/"
UPLOAD_NAMES = ("original", "picture.png")  # as sent; checked, stripped and re-encoded


@functools.lru_cache(maxsize=1)
def get_s3():
    settings = get_settings()
    # Path style against a local endpoint (moto), virtual hosts on S3: the hosts the site's
    # CSP allows (web.images_origins).
    style = "path" if settings.aws_endpoint_url else "virtual"
    return aws.client("s3", region_name=settings.region, config=Config(
        signature_version="s3v4", s3={"addressing_style": style},
        retries={"max_attempts": 4, "mode": "standard"}))


def account_prefix(account_id):
    if not _ID.fullmatch(account_id or ""):
        raise ValueError("not an account id")
    return f"users/{account_id}/"


def cartoon_key(account_id, cartoon_id, name):
    if not _ID.fullmatch(cartoon_id or "") or not re.fullmatch(r"[a-z0-9][a-z0-9./-]*", name):
        raise ValueError("not a cartoon key")
    return f"{account_prefix(account_id)}cartoons/{cartoon_id}/{name}"


def library_key(account_id, character_id, extension):
    """A saved character's picture (`png`) or thumbnail (`webp`), under the account's prefix."""
    if not _ID.fullmatch(character_id or "") or extension not in ("png", "webp"):
        raise ValueError("not a library key")
    return f"{account_prefix(account_id)}library/{character_id}.{extension}"


def export_prefix(account_id):
    """Temporary data exports live outside `users/`, under the prefix the bucket expires."""
    account_prefix(account_id)  # the same id check
    return f"{EXPORTS_PREFIX}{account_id}/"


def export_key(account_id, export_id):
    if not _ID.fullmatch(export_id or ""):
        raise ValueError("not an export id")
    return f"{export_prefix(account_id)}{export_id}.zip"


def upload_prefix(account_id, upload_id=None):
    """Every upload of an account, or one upload's objects."""
    account_prefix(account_id)  # the same id check
    if upload_id is None:
        return f"{UPLOADS_PREFIX}{account_id}/"
    if not _ID.fullmatch(upload_id or ""):
        raise ValueError("not an upload id")
    return f"{UPLOADS_PREFIX}{account_id}/{upload_id}/"


def upload_key(account_id, upload_id, name):
    if name not in UPLOAD_NAMES:
        raise ValueError("not an upload key")
    return f"{upload_prefix(account_id, upload_id)}{name}"


def presign_post(key, *, content_type, max_bytes, seconds):
    """A presigned POST for one object: S3 itself refuses a file over `max_bytes`, another
    Content-Type than `content_type`, another key, or a form sent after `seconds`.
    Returns {"url", "fields"}: the form's fields, the file going last."""
    settings = get_settings()
    return get_s3().generate_presigned_post(
        settings.images_bucket, key,
        Fields={"Content-Type": content_type, "Cache-Control": "private, max-age=86400"},
        Conditions=[{"Content-Type": content_type},
                    {"Cache-Control": "private, max-age=86400"},
                    ["content-length-range", 1, max_bytes]],
        ExpiresIn=seconds)


def exists(key):
    s3 = get_s3()
    try:
        s3.head_object(Bucket=get_settings().images_bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return False
        raise
    return True


def keys_under(prefix):
    """The keys of the objects under a prefix (current versions), in key order."""
    pages = get_s3().get_paginator("list_objects_v2").paginate(
        Bucket=get_settings().images_bucket, Prefix=prefix)
    for page in pages:
        for item in page.get("Contents", []):
            yield item["Key"]


def put(key, data, content_type):
    get_s3().put_object(Bucket=get_settings().images_bucket, Key=key, Body=data,
                        ContentType=content_type, CacheControl="private, max-age=86400")


def read(key):
    """The object's bytes, or None when it does not exist."""
    s3 = get_s3()
    try:
        return s3.get_object(Bucket=get_settings().images_bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def copy(source, destination):
    """A server-side copy inside the images bucket; False when the source does not exist."""
    s3, bucket = get_s3(), get_settings().images_bucket
    try:
        s3.copy_object(Bucket=bucket, Key=destination,
                       CopySource={"Bucket": bucket, "Key": source},
                       CacheControl="private, max-age=86400", MetadataDirective="REPLACE",
                       ContentType="image/webp" if destination.endswith(".webp")
                       else "image/png")
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return False
        raise
    return True


def delete(*keys):
    keys = [key for key in keys if key]
    if keys:
        get_s3().delete_objects(Bucket=get_settings().images_bucket, Delete={
            "Objects": [{"Key": key} for key in keys], "Quiet": True})


def delete_prefix(prefix):
    """Every object under a prefix, every version of it and every delete marker (an account's,
    on erasure: where versioning is on, a plain delete would only hide the images).
    Returns how many versions went."""
    s3, bucket, count = get_s3(), get_settings().images_bucket, 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                  for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        for start in range(0, len(doomed), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed[start:start + 1000],
                                                     "Quiet": True})
        count += len(doomed)
    return count


def presign(key, *, download_name=None):
    """A short-lived GET URL for one object (at most 15 minutes, IMAGE_URL_SECONDS)."""
    settings = get_settings()
    params = {"Bucket": settings.images_bucket, "Key": key}
    if download_name:
        params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
    return get_s3().generate_presigned_url("get_object", Params=params,
                                           ExpiresIn=settings.image_url_seconds)
