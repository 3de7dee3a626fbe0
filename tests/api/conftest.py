import pytest


@pytest.fixture(autouse=True)
def unthrottled(data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzz run sends hundreds of requests a minute from one address: it checks answers, not the rate limit
    (tests/security and tests/web/test_rate_limits.py do)."""
    monkeypatch.setenv('LIAB_API_RATE_PER_MIN', '100000')
    monkeypatch.setenv('LIAB_LOGIN_RATE_PER_MIN', '100000')
