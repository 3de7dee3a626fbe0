import asyncio
import time

from nicegui.testing import User

from liab.web.loop_probe import LoopProbe


async def test_a_blocking_call_of_200_ms_shows_in_p99_and_max_but_not_in_p50() -> None:
    probe = LoopProbe(interval_s=0.01)
    task = asyncio.create_task(probe.run())
    await asyncio.sleep(0.3)
    time.sleep(0.2)  # what a handler hashing or reading a file on the loop does to everyone else
    await asyncio.sleep(0.3)
    task.cancel()
    stats = probe.stats()
    assert 20 <= stats['samples'] < 100  # under 100 samples p99 is the largest one
    assert stats['max'] >= 190 and stats['p99'] == stats['max']
    assert stats['p50'] < 50
    assert probe.stats(window_s=0.2)['max'] < 150  # only the window counts


async def test_no_samples_yet_reads_as_nulls() -> None:
    assert LoopProbe().stats() == {'p50': None, 'p99': None, 'max': None, 'samples': 0}


async def test_health_reports_the_event_loop_lag_of_the_last_minute(user: User) -> None:
    await asyncio.sleep(0.2)
    response = await user.http_client.get('/api/health')
    lag = response.json()['loop_lag_ms']
    assert lag['samples'] >= 1
    assert 0 <= lag['p50'] <= lag['p99'] <= lag['max']


async def test_health_takes_a_window_and_falls_back_to_a_minute(user: User) -> None:
    await asyncio.sleep(0.2)
    for asked in ('1', '100000', '0', '-5', 'abc', '1.5'):
        response = await user.http_client.get(f'/api/health?window_s={asked}')
        assert response.status_code == 200
        assert response.json()['loop_lag_ms']['samples'] >= 1
