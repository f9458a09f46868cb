"""A time limit for one extraction, so a hostile file cannot keep a run busy forever.

On the main thread of a process (``miner extract``, ``miner add`` with one worker, and
every worker of the pool) an interval timer raises ``ExtractionError`` in the Python code
that is running when the time is up.  Elsewhere (a thread) it is a no-op: the caller then
relies on the input limits (size, HTML depth) alone.
"""
from __future__ import annotations

import contextlib
import signal
import threading

from miner.extract.model import ExtractionError


@contextlib.contextmanager
def time_limit(seconds: float, message: str):
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise ExtractionError(message)

    old = signal.signal(signal.SIGALRM, expired)
    previous = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if previous[0] > 0:   # an outer limit was running: give it back what is left
            signal.setitimer(signal.ITIMER_REAL, max(0.001, previous[0] - seconds))
