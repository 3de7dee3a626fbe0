"""Responsiveness under load. Prints a markdown table; run: .venv/bin/python tests/bench/bench_load.py [--clients 20]
[--think 2,6] [--quick]

Starts `python app.py` with its own data dir and port, and drives it as people do, measuring in the same run:
- baseline: one browser clicking through the stages, no heavy jobs;
- memory: the server's RSS (VmRSS of its own process, not of the job workers) with no browser, then with N idle ones;
- load: the N browsers clicking through the stages while two heavy jobs run all the time, each stream its own API
  user: masters of a 30 s take (/api/mix/process, the take uploaded each time) and 60 s beat renders
  (/api/beats/create);
- throughput: masters one at a time, then two at once (two users), as masters per hour.

A browser (tests/bench/nicegui_browser.py) does what NiceGUI's nicegui.js does: GET / (timed: the page build), the
websocket with the client id from the page, then the `event` message of a timeline stage's click listener, timed until
the `update` message that shows the stage (stage open); it thinks, clicks Close, thinks, opens the next stage. On its
first stage it ticks the stage done (so its working project exists), and after all seven it loads the page again.
Think times (before Close, and before the next stage) are 2 to 6 s, a person glancing at each stage and moving on;
`--think 0.3,1` is a stress run, each person clicking as fast as the stage appears. The browsers run in this process at
nice 10, standing in for other machines.

Event-loop lag is the server's own probe (liab.web.loop_probe: a 50 ms sleep's overshoot), read from
/api/health?window_s=<the phase's length> at the end of each phase, so each figure covers its phase only. A phase
lasts a minute (20 s with --quick).
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from liab.workflow import STAGES  # noqa: E402
from tests.bench.nicegui_browser import Browser, Timings, click_through  # noqa: E402
from tests.conftest import app_env, free_port, serving  # noqa: E402
from tests.sounds import vocal_line  # noqa: E402

LAG_GOAL_MS, MEMORY_GOAL_MB = 50.0, 2.0
TAKE_S, BEAT_S = 30, 60
RECONNECT_TIMEOUT_S = 10  # app.py's ui.run(reconnect_timeout=...): a closed tab's client is deleted after it
PASSWORD = 'night-drive-42-echo'


@dataclass
class Phase:
    lag: dict  # the server's loop lag over the phase: p50, p99, max (ms), samples
    cpu_s: float  # CPU time of the server process (all its threads, not the job workers)
    wall_s: float
    rss_mb: float  # at the end


def main() -> None:
    clients = int(sys.argv[sys.argv.index('--clients') + 1]) if '--clients' in sys.argv else 20
    quick = '--quick' in sys.argv
    think = tuple(map(float, sys.argv[sys.argv.index('--think') + 1].split(','))) if '--think' in sys.argv else (2, 6)
    work = Path(tempfile.mkdtemp(prefix='liab-bench-load-'))
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    env = app_env(LIAB_DATA_DIR=str(work / 'data'), LIAB_PORT=str(port), LIAB_HOST='127.0.0.1',
                  LIAB_API_RATE_PER_MIN='100000')
    take = vocal_line(work, seconds=TAKE_S).read_bytes()
    loads = [os.getloadavg()[0]]
    children: list[int] = []
    try:
        with serving([sys.executable, 'app.py'], cwd=ROOT, env=env, ready_url=f'{base_url}/api/health',
                     log_path=work / 'app.log') as server:
            # The browsers stand in for other machines: after the server started (so it keeps its priority), this
            # process yields the CPU to it, as the job workers do.
            os.nice(10)
            run = Run(base_url, server.pid, clients, 20 if quick else 60, take, think=think)
            try:
                asyncio.run(run.all(masters=3 if quick else 8))
            finally:
                children = _children(server.pid)
    finally:
        _end_orphans(children, env['LIAB_DATA_DIR'])
        shutil.rmtree(work, ignore_errors=True)
    loads.append(os.getloadavg()[0])
    _report(run, clients, quick, loads, env.get('LIAB_JOB_WORKERS'))


class Run:
    def __init__(self, base_url: str, pid: int, clients: int, phase_s: float, take: bytes, *,
                 think: tuple[float, float]) -> None:
        self.base_url, self.pid, self.clients, self.phase_s, self.take = base_url, pid, clients, phase_s, take
        self.think = think
        self.baseline, self.loaded, self.idle = Timings(), Timings(), Timings()
        self.phases: dict[str, Phase] = {}
        self.idle_lag: dict = {}
        self.rss: dict[str, float] = {}
        self.jobs: dict[str, list[float]] = {'master': [], 'beat': []}
        self.job_errors: list[str] = []
        self.masters_per_hour: dict[int, float] = {}
        self.loads_during: list[float] = []
        self.workers: list[tuple[int, int]] = []  # (pid, nice) of the job pool's worker processes

    async def all(self, masters: int) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=600) as api:
            tokens = [await _signup(api, f'{name}@bench.example') for name in ('master-a', 'master-b', 'beats')]
            warm = Browser(self.base_url, Timings())  # imports every stage module and fills caches: not counted
            await click_through(warm, 0, asyncio.Event(), random.Random(0), cycles=1)
            await warm.quit()

            self.phases['baseline'] = await self._phase([Browser(self.base_url, self.baseline)], api)
            await asyncio.sleep(RECONNECT_TIMEOUT_S + 1.5)  # until NiceGUI has deleted the closed tabs' clients
            self.idle_lag = (await api.get('/api/health?window_s=10')).json()['loop_lag_ms']  # the machine's floor
            self.rss['empty'] = _rss_mb(self.pid)
            browsers = [Browser(self.base_url, self.idle) for _ in range(self.clients)]
            for browser in browsers:
                await browser.load()
            await asyncio.sleep(5)
            self.rss['idle'] = _rss_mb(self.pid)

            for browser in browsers:
                browser.timings = self.loaded
            streams = (('master', tokens[0]), ('beat', tokens[2]))
            self.phases['load'] = await self._phase(browsers, api, streams)
            for count in (1, 2):
                started = time.perf_counter()
                await asyncio.gather(*(self._masters(api, token, masters) for token in tokens[:count]))
                self.masters_per_hour[count] = count * masters * 3600 / (time.perf_counter() - started)

    async def _phase(self, browsers: list[Browser], api: httpx.AsyncClient,
                     streams: tuple[tuple[str, str], ...] = ()) -> Phase:
        """The browsers click through for a phase while the job streams run."""
        stop = asyncio.Event()
        jobs = [asyncio.create_task(self._stream(api, kind, token, stop)) for kind, token in streams]
        users = [asyncio.create_task(click_through(browser, index, stop, random.Random(index), think=self.think))
                 for index, browser in enumerate(browsers)]
        started, cpu = time.monotonic(), _cpu_s(self.pid)
        while time.monotonic() < started + self.phase_s:
            await asyncio.sleep(min(5.0, started + self.phase_s - time.monotonic()))
            if streams:
                self.loads_during.append(os.getloadavg()[0])
        window = f'?window_s={math.floor(time.monotonic() - started)}'  # this phase's samples only
        phase = Phase((await api.get(f'/api/health{window}')).json()['loop_lag_ms'], _cpu_s(self.pid) - cpu,
                      time.monotonic() - started, _rss_mb(self.pid))
        if streams:
            self.workers = _workers(self.pid)  # once jobs have run: the pool may start its workers lazily
        stop.set()
        await asyncio.gather(*users, *jobs)
        for browser in browsers:
            await browser.quit()
        return phase

    async def _stream(self, api: httpx.AsyncClient, kind: str, token: str, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            headers = {'Authorization': f'Bearer {token}'}
            if kind == 'master':
                done = await self._master(api, token)
            else:
                done = await api.post('/api/beats/create', headers=headers,
                                      json={'prompt': 'chill hip hop 90 bpm', 'duration_sec': BEAT_S})
            if done.status_code == 200:
                self.jobs[kind].append(time.perf_counter() - started)
            else:
                self.job_errors.append(f'{kind}: {done.status_code} {done.text[:200]}')

    async def _masters(self, api: httpx.AsyncClient, token: str, count: int) -> None:
        for _ in range(count):
            done = await self._master(api, token)
            if done.status_code != 200:
                self.job_errors.append(f'master: {done.status_code} {done.text[:200]}')

    async def _master(self, api: httpx.AsyncClient, token: str) -> httpx.Response:
        """A master of the take, uploaded each time: a new song for the API user's working project."""
        return await api.post('/api/mix/process', headers={'Authorization': f'Bearer {token}'},
                              files={'file': ('take.wav', self.take, 'audio/wav')})


async def _signup(api: httpx.AsyncClient, email: str) -> str:
    made = await api.post('/api/auth/signup', json={'email': email, 'password': PASSWORD})
    made.raise_for_status()
    return made.json()['token']


def _rss_mb(pid: int) -> float:
    status = Path(f'/proc/{pid}/status').read_text()
    return int(re.search(r'^VmRSS:\s+(\d+) kB', status, re.MULTILINE).group(1)) / 1024


def _cpu_s(pid: int) -> float:
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')  # utime + stime


def _children(pid: int) -> list[int]:
    return [int(child) for path in Path(f'/proc/{pid}/task').glob('*/children') for child in path.read_text().split()]


def _end_orphans(children: list[int], data_dir: str) -> None:
    """Stop the server's job workers and resource tracker if they outlived it (they do: uvicorn re-raises SIGTERM
    after its shutdown, so the pool's own exit handler never runs). Only ours: the PID must still carry our data dir."""
    time.sleep(1)
    ours = [pid for pid in children if _carries(pid, data_dir)]
    for sent in (signal.SIGTERM, signal.SIGKILL):
        for pid in ours:
            if _carries(pid, data_dir):
                os.kill(pid, sent)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_carries(pid, data_dir) for pid in ours):
            time.sleep(0.1)


def _carries(pid: int, data_dir: str) -> bool:
    try:
        return f'LIAB_DATA_DIR={data_dir}'.encode() in Path(f'/proc/{pid}/environ').read_bytes().split(b'\0')
    except OSError:
        return False


def _workers(pid: int) -> list[tuple[int, int]]:
    """(pid, nice) of the server's job pool workers: its children started by multiprocessing's spawn."""
    found = []
    for child in _children(pid):
        try:
            if b'spawn_main' in Path(f'/proc/{child}/cmdline').read_bytes():
                stat = Path(f'/proc/{child}/stat').read_text()
                found.append((child, int(stat.rsplit(')', 1)[1].split()[16])))
        except OSError:
            continue
    return found


def _report(run: Run, clients: int, quick: bool, loads: list[float], workers_setting: str | None) -> None:
    nice = sorted({nice for _, nice in run.workers})
    during = f'{min(run.loads_during):.1f} to {max(run.loads_during):.1f}' if run.loads_during else 'n/a'
    print(f'\nResponsiveness of `python app.py`{" (--quick)" if quick else ""}: {clients} browsers over websockets, '
          f'thinking {run.think[0]:g} to {run.think[1]:g} s between clicks; '
          f'{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; job workers: '
          f'{len(run.workers)} (nice {", ".join(map(str, nice)) or "?"}; LIAB_JOB_WORKERS '
          f'{workers_setting if workers_setting is not None else "unset"}); load average {loads[0]:.1f} at the start, '
          f'{during} during the load phase, {loads[1]:.1f} at the end\n')
    base, load = run.phases['baseline'], run.phases['load']
    print(f'| measure | idle server | baseline: 1 browser, no jobs | {clients} browsers + 2 heavy jobs | vs baseline '
          '| goal |')
    print('|---|---|---|---|---|---|')
    for name in ('p50', 'p99', 'max'):
        goal = f'<= {LAG_GOAL_MS:g} ms: {_met(load.lag["p99"] <= LAG_GOAL_MS)}' if name == 'p99' else ''
        _row(f'event-loop lag {name} (server probe)', base.lag[name], load.lag[name], goal, run.idle_lag[name])
    for label, before, after in (('page build, GET /', run.baseline.pages, run.loaded.pages),
                                 ('stage open, click to update', run.baseline.all_opens(), run.loaded.all_opens())):
        for quantile in (0.5, 0.99):
            _row(f'{label}, p{round(quantile * 100)}', _rank(before, quantile), _rank(after, quantile))
    per_open = [1000 * phase.cpu_s / max(1, len(timings.all_opens()))
                for phase, timings in ((base, run.baseline), (load, run.loaded))]
    _row('server CPU per stage open (all CPU of the phase / opens)', *per_open)
    print(f'| server CPU, share of one core | | {100 * base.cpu_s / base.wall_s:.0f}% | '
          f'{100 * load.cpu_s / load.wall_s:.0f}% | | |')
    per_client = (run.rss['idle'] - run.rss['empty']) / clients
    print(f'| server RSS: no browser, then {clients} idle | {run.rss["empty"]:.1f} MB | | {run.rss["idle"]:.1f} MB | '
          f'+{run.rss["idle"] - run.rss["empty"]:.1f} MB | |')
    print(f'| server memory per idle browser | | | {per_client:.2f} MB | | <= {MEMORY_GOAL_MB:g} MB: '
          f'{_met(per_client <= MEMORY_GOAL_MB)} |')
    print(f'| server RSS at the end of the phase | | {base.rss_mb:.1f} MB | {load.rss_mb:.1f} MB | | |')
    one, two = run.masters_per_hour[1], run.masters_per_hour[2]
    print(f'| masters per hour ({TAKE_S} s take): one at a time, then two at once | | {one:,.0f} | {two:,.0f} | '
          f'{two / one:.2f}x | |')
    print('\nStage opens by stage, ms (baseline p50 / load p50 / load p99 / count under load):',
          '; '.join(f'{stage.id} {_whole(run.baseline.opens[stage.id], 0.5)} / '
                    f'{_whole(run.loaded.opens[stage.id], 0.5)} / {_whole(run.loaded.opens[stage.id], 0.99)} / '
                    f'{len(run.loaded.opens[stage.id])}' for stage in STAGES))
    print(f'During the load phase: {len(run.loaded.pages)} page loads, {len(run.loaded.all_opens())} stage opens; '
          + ', '.join(f'{len(times)} {kind}s done (median {statistics.median(times):.1f} s)' if times
                      else f'no {kind} done' for kind, times in run.jobs.items()) + '.')
    failures = run.baseline.failures + run.loaded.failures + run.idle.failures + run.job_errors
    if failures:
        print(f'{len(failures)} failures, the first: {failures[0]}')


def _row(label: str, before: float | None, after: float | None, goal: str = '', idle: float | None = None) -> None:
    ratio = f'{after / before:.1f}x' if before and after is not None else ''
    print(f'| {label} | {"" if idle is None else _ms(idle)} | {_ms(before)} | {_ms(after)} | {ratio} | {goal} |')


def _ms(value: float | None) -> str:
    return 'n/a' if value is None else f'{value:.1f} ms'


def _whole(values: list[float], quantile: float) -> str:
    value = _rank(values, quantile)
    return 'n/a' if value is None else f'{value:.0f}'


def _met(ok: bool) -> str:
    return 'met' if ok else '**missed**'


def _rank(values: list[float], quantile: float) -> float | None:
    """The nearest-rank percentile, as the server's probe reports its own."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(quantile * len(ordered)) - 1)]


if __name__ == '__main__':
    main()
