import pytest


@pytest.fixture(autouse=True)
def aws():
    """Composition is pure (Pillow and plain data): these tests need none of the fresh AWS the
    suite's conftest builds for every test, and run in a fraction of the time without it."""
    return None
