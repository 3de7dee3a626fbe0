import threading
import time
from pathlib import Path
from typing import Any

from liab import db
from liab.services import projects

THREADS = 20
SECONDS = 10.0


def test_twenty_threads_incrementing_one_project_for_ten_seconds_lose_nothing(database: Path) -> None:
    with db.session_scope(write=True) as session:
        project_id = projects.ensure_working_project(session=session, browser_id='load-test').id
    errors: list[str] = []
    counts: list[int] = []
    start = threading.Barrier(THREADS)
    deadline = time.monotonic() + SECONDS

    def increment_until_the_deadline() -> None:
        done = 0
        start.wait()
        while time.monotonic() < deadline:
            try:
                # Read, decide, write: the versioned update in one write transaction, as every change is made.
                with db.session_scope(write=True) as session:
                    projects.change_project(session=session, project_id=project_id, change=_increment)
                done += 1
                with db.session_scope() as session:  # readers run beside the writers
                    projects.get_project(session=session, project_id=project_id)
            except Exception as exc:
                errors.append(f'{type(exc).__name__}: {exc}')
        counts.append(done)

    workers = [threading.Thread(target=increment_until_the_deadline) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(SECONDS + 60)
    assert not [worker for worker in workers if worker.is_alive()]
    assert errors == []  # "database is locked" above all
    with db.session_scope() as session:
        stored = projects.get_project(session=session, project_id=project_id)
    assert len(counts) == THREADS and sum(counts) > 100
    assert stored.data['analytics']['counter'] == sum(counts)
    assert stored.version == 1 + sum(counts)


def _increment(data: dict[str, Any]) -> None:
    data['analytics']['counter'] = data['analytics'].get('counter', 0) + 1
