"""One moto for the whole test session, put back to its just-created state between tests.

Creating the twelve tables, the bucket and the queues for every test cost more than most tests;
emptying them is cheap. These helpers scan and delete: fine against moto, never meant for a real
account (nothing outside tests/ imports them).
"""

import boto3

from chalicelib.adapters import images, jobs, mail, moderation, resources, storage
from chalicelib.core.models import ALL_MODELS
from chalicelib.core.settings import get_settings
from chalicelib.money import checkout

# Getters that build a client or provider from the settings once: a test may have replaced what
# they return (a stand-in, other settings); the next test builds its own.
CACHED_GETTERS = (storage.get_s3, jobs.get_sqs, jobs.queue_url, mail.get_mailer,
                  images.get_image_provider, moderation.get_moderator, checkout.get_checkout)


def empty_tables():
    dynamodb = boto3.client("dynamodb", region_name=get_settings().region)
    for model in ALL_MODELS:
        name = model.Meta.table_name
        keys = [k["AttributeName"] for k in dynamodb.describe_table(TableName=name)[
            "Table"]["KeySchema"]]
        pages = dynamodb.get_paginator("scan").paginate(
            TableName=name, ProjectionExpression=", ".join(f"#k{i}" for i in range(len(keys))),
            ExpressionAttributeNames={f"#k{i}": key for i, key in enumerate(keys)})
        items = [item for page in pages for item in page["Items"]]
        for start in range(0, len(items), 25):
            dynamodb.batch_write_item(RequestItems={name: [
                {"DeleteRequest": {"Key": item}} for item in items[start:start + 25]]})


def empty_bucket():
    """Every version and delete marker, unfinished uploads; a bucket a test made versioned is
    made again, unversioned."""
    settings = get_settings()
    s3 = boto3.client("s3", region_name=settings.region)
    bucket = settings.images_bucket
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                  for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if doomed:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    if s3.get_bucket_versioning(Bucket=bucket).get("Status"):
        s3.delete_bucket(Bucket=bucket)
        resources.create_bucket(s3)


def fresh_queues():
    """The queues deleted and made again: no message left, visible or in flight."""
    settings = get_settings()
    sqs = boto3.client("sqs", region_name=settings.region)
    for name in (settings.queue_name, resources.dead_letter_queue_name(settings)):
        sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"])
    return resources.create_queues(sqs)


def delete_parameters():
    ssm = boto3.client("ssm", region_name=get_settings().region)
    names = [p["Name"] for page in ssm.get_paginator("describe_parameters").paginate()
             for p in page["Parameters"]]
    for start in range(0, len(names), 10):
        ssm.delete_parameters(Names=names[start:start + 10])


def clear_cached_getters():
    for getter in CACHED_GETTERS:
        getter.cache_clear()


def reset():
    """The state right after `resources.create_all()`; returns the queue's URL."""
    clear_cached_getters()
    empty_tables()
    empty_bucket()
    delete_parameters()
    return fresh_queues()
