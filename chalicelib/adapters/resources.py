"""Creates the tables, the bucket and the queues from the same definitions production uses.

Used by `make run` (against moto's server) and by the tests (against moto in process). In
production the infrastructure code derives the same resources from these definitions.
"""

import json

from chalicelib.adapters import aws
from chalicelib.adapters.jobs import MAX_RECEIVES, QUEUE_VISIBILITY_SECONDS
from chalicelib.core.models import ALL_MODELS
from chalicelib.core.settings import get_settings


def dead_letter_queue_name(settings=None):
    return f"{(settings or get_settings()).queue_name}-dlq"


def create_tables():
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")


def create_bucket(s3):
    settings = get_settings()
    s3.create_bucket(Bucket=settings.images_bucket,
                     CreateBucketConfiguration={"LocationConstraint": settings.region})
    s3.put_public_access_block(Bucket=settings.images_bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True,
        "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    # The create page POSTs a character's picture here from the site (infra: UPLOADS_CORS).
    s3.put_bucket_cors(Bucket=settings.images_bucket, CORSConfiguration={"CORSRules": [{
        "AllowedMethods": ["POST"], "AllowedOrigins": [settings.site_url],
        "AllowedHeaders": ["*"], "MaxAgeSeconds": 3600}]})


def create_queues(sqs):
    settings = get_settings()
    dlq_url = sqs.create_queue(QueueName=dead_letter_queue_name(settings))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)})
    return sqs.create_queue(QueueName=settings.queue_name, Attributes={
        "VisibilityTimeout": str(QUEUE_VISIBILITY_SECONDS), "RedrivePolicy": redrive,
    })["QueueUrl"]


def create_all():
    settings = get_settings()
    create_tables()
    create_bucket(aws.client("s3", region_name=settings.region))
    return create_queues(aws.client("sqs", region_name=settings.region))
