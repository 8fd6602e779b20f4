"""What the tests share: a client over the local gateway, stand-ins that speak the providers'
HTTP APIs, and the steps that several tests take. Tests import from here, never from each
other."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
