"""Stopping cleanly: SIGTERM behaves like Ctrl-C, and worker processes die with their parent.

* ``install_signal_handlers()`` (the CLI calls it) turns SIGTERM and SIGHUP into
  ``Terminated``, a KeyboardInterrupt, so every command's cleanup (run row 'interrupted',
  workers stopped, temp files removed) runs for both.
* ``raise_if_interrupted()`` goes first in every handler that reports a failure and goes on:
  after Ctrl-C/SIGTERM a failure may be the interrupt in disguise, and the command stops.
* ``forget_interrupt()`` runs when a command ends: a Ctrl-C the command handled must not
  make the interpreter exit by SIGINT (see its docstring).
* ``init_worker()`` is the initializer of every worker pool: on Linux the kernel sends the
  worker SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and a watchdog thread
  that polls the parent pid covers other systems and the moment before prctl took effect.
  Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the parent decides.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


class Terminated(KeyboardInterrupt):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: list[int] = []   # the stop signals this process received (main thread)


def _raise_terminated(signum, frame):
    _received.append(signum)
    raise Terminated(signum)


def _raise_interrupt(signum, frame):
    _received.append(signum)
    raise KeyboardInterrupt


def install_signal_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    _received.clear()
    signal.signal(signal.SIGINT, _raise_interrupt)
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, _raise_terminated)


def raise_if_interrupted() -> None:
    """Call first in an ``except Exception`` that reports a failure and goes on: when Ctrl-C or
    SIGTERM arrived, the exception may be the interrupt in disguise (a C extension whose import the
    KeyboardInterrupt cut short raises ImportError "initialization failed"), so the command stops
    instead of reporting a failure and running the next stage."""
    if _received:
        signum = _received[-1]
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)


def exit_status(exc: KeyboardInterrupt) -> int:
    return 128 + (exc.signum if isinstance(exc, Terminated) else signal.SIGINT)


def forget_interrupt() -> None:
    """Clear CPython's mark of an unhandled Ctrl-C, once the command has handled it.

    When a KeyboardInterrupt ends an ``exec()`` of source text, CPython marks it unhandled,
    even if the program catches it further up; a ``python -m`` process then ends by killing
    itself with SIGINT (status -2) instead of the status it asked for (130). scipy.stats runs
    such ``exec()`` calls while it is imported, so a Ctrl-C during that import hit this about
    one run in ten. Every ``exec()`` of source text clears the mark before it runs, so one
    harmless ``exec`` clears it. A KeyboardInterrupt that really escapes sets it again.
    The record of received stop signals is cleared too (the command is over)."""
    _received.clear()
    exec("pass", {})


def _watch_parent(parent: int, interval: float) -> None:
    while True:
        time.sleep(interval)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int | None = None, interval: float = 1.0) -> None:
    parent = parent or os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:   # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent, interval), daemon=True, name="parent-watchdog").start()


def init_worker(parent: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    die_with_parent(parent)
