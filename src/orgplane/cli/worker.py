"""``orgplane worker``: run the escalation engine until stopped.

Any number of workers (and servers, which run an engine of their own unless told not
to) may share one database: each due timer is claimed by one of them for a lease.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer

from orgplane.cli.console import err, safe
from orgplane.cli.db import DbOption, open_session

__all__ = ["worker_command"]


def worker_command(
    db: DbOption = None,
    threads: Annotated[
        int, typer.Option("--threads", min=1, max=64, help="Engines to run side by side.")
    ] = 2,
    lease: Annotated[
        float,
        typer.Option(
            "--lease",
            min=1.0,
            max=3600.0,
            help="Seconds a claimed timer stays this worker's; after a crash, another "
            "worker fires it this long after it was claimed.",
        ),
    ] = 30.0,
    poll: Annotated[
        float,
        typer.Option("--poll", min=0.01, max=60.0, help="Seconds between looks when idle."),
    ] = 0.5,
) -> None:
    """Run the escalation engine: fire due ladder steps and send notifications until
    Ctrl-C or SIGTERM. Check on it with 'orgplane pages list --open' and /readyz."""
    from datetime import timedelta

    from orgplane.services.workers import EngineThreads
    from orgplane.settings import get_settings
    from orgplane.store import display_url

    with open_session(db) as session:  # the database exists and is current
        database = session.get_bind().engine
        url = display_url(database.url)
        runner = EngineThreads(
            database=database,
            settings=get_settings(),
            count=threads,
            lease=timedelta(seconds=lease),
            poll=poll,
            name="worker",
        )

        def stop(_signal: int, _frame: FrameType | None) -> None:
            runner.stop(timeout=0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        runner.start()
        err().print(
            safe(
                f"worker on {url}: {threads} engine(s), lease {lease:g} s, poll {poll:g} s; "
                "Ctrl-C stops"
            )
        )
        runner.wait()
        runner.stop()
    err().print("worker stopped")
