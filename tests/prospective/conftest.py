import pytest


@pytest.fixture(autouse=True)
def _fresh_world():
    """The projection inputs are cached per process and import; a rolled-back test must not leave them."""
    from gtec.prospective import compute

    compute._cache.update(stamp=None, value=None)
    yield
    compute._cache.update(stamp=None, value=None)
