"""boto3 clients, made one at a time: boto3's default session is not thread-safe, and the
worker's threads may ask for a client at once."""

import threading

import boto3

_LOCK = threading.Lock()


def client(service, **kwargs):
    with _LOCK:
        return boto3.client(service, **kwargs)
