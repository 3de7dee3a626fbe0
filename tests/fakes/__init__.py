import pytest

# Marked before the first import, so pytest can load the fake as a plugin later without warning it came too late.
pytest.register_assert_rewrite('tests.fakes.stripe_server')
pytest.register_assert_rewrite('tests.fakes.beatoven_server')
pytest.register_assert_rewrite('tests.fakes.openai_server')
