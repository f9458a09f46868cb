"""One executor for the stages that use every core: extraction and tagging.

``open_executor(cfg)`` gives, by ``[compute] executor``:

* ``local`` (default): a process pool on this machine with ``compute.workers`` processes
  (0 = one per core); with one worker the tasks run in this process, no pool is started;
* ``dask``: a client of the Dask distributed cluster at ``compute.scheduler``.

The stages only ``submit`` module-level functions with picklable arguments, wait for any
to finish and read the results; workers never touch the store, the driver writes every
result.  ``ship(path)`` is what a task gets for a raw file: the path itself when workers
see the same file system, else its bytes (``compute.send = "bytes"``); the task opens it
with ``local_file``.  Every task's CPU time is measured where it ran, so a stage can tell
its CPU time next to its wall time (``cpu_seconds``).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass


class ComputeError(Exception):
    """The executor cannot start (Dask missing, scheduler unreachable); one line for a person."""


def local_workers(cfg, override: int = 0) -> int:
    n = override or cfg["compute"]["workers"]
    return n if n > 0 else max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- worker side

_PREPARED = False


def prepare_worker() -> None:
    """Once per worker process: one thread per library (the executor already uses the cores;
    Tesseract/BLAS/OpenMP would otherwise start one thread per core in every worker)."""
    global _PREPARED
    if _PREPARED:
        return
    _PREPARED = True
    for var in ("OMP_THREAD_LIMIT", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)      # libraries already loaded (numpy's BLAS) before the variables were set
    except Exception:
        pass


def _local_initializer(parent: int | None) -> None:
    from miner.lifecycle import init_worker
    prepare_worker()
    init_worker(parent)   # dies with the driver; Ctrl-C is the driver's to handle


def timed(fn, *args):
    """Run ``fn(*args)`` in a worker; returns (value, CPU seconds it took there)."""
    prepare_worker()
    c0 = time.process_time()
    value = fn(*args)
    return value, time.process_time() - c0


@dataclass(frozen=True)
class Shipped:
    """A raw file's bytes sent to a worker that cannot read the driver's data folder."""
    data: bytes
    suffix: str = ""


@contextlib.contextmanager
def local_file(arg):
    """A path to read ``arg`` (a path, or Shipped bytes written to a temp file for the task)."""
    if not isinstance(arg, Shipped):
        yield str(arg)
        return
    fd, name = tempfile.mkstemp(prefix="miner-task-", suffix=arg.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(arg.data)
        yield name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


# --------------------------------------------------------------------------- driver side

class Executor:
    """What the stages use; see the module docstring."""
    name = "local"
    workers = 1

    def __init__(self):
        self.cpu_seconds = 0.0    # CPU time of finished tasks, measured in the workers
        self.tasks = 0

    def submit(self, fn, *args):
        raise NotImplementedError

    def wait_any(self, futures) -> set:
        """Block until at least one of ``futures`` is done; returns the done ones."""
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return done

    def result(self, fut):
        """The task's value; raises when the task raised or its worker died."""
        value, cpu = fut.result()
        self.cpu_seconds += cpu
        self.tasks += 1
        return value

    def ship(self, path: str):
        return path

    def forget(self, path: str) -> None:
        """Every task of this shipped file is done."""

    def recycle(self) -> None:
        """Between batches: start fresh workers where that is how leaked memory is returned."""

    def close(self) -> None:
        """Finished: wait for the workers to exit."""

    def abort(self) -> None:
        """Stop at once: queued tasks are dropped, running local workers killed."""
        self.close()

    @property
    def inline(self) -> bool:
        return False

    def describe(self) -> str:
        return f"{self.name}, {self.workers} worker(s)"

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False


class InlineExecutor(Executor):
    """One worker: tasks run in this process as they are submitted (no pool to start)."""

    @property
    def inline(self) -> bool:
        return True

    def submit(self, fn, *args):
        fut: Future = Future()
        try:
            fut.set_result(timed(fn, *args))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut

    def describe(self) -> str:
        return "local, 1 process"


class LocalExecutor(Executor):
    """A ProcessPoolExecutor, started on first use, replaced whole by ``recycle()``
    (ProcessPoolExecutor(max_tasks_per_child=...) hangs on Python 3.11 once a worker is
    replaced while tasks are queued)."""

    def __init__(self, workers: int):
        super().__init__()
        self.workers = workers
        self._pool = None

    def _get(self):
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_local_initializer,
                                             initargs=(os.getpid(),))
        return self._pool

    def submit(self, fn, *args):
        from concurrent.futures.process import BrokenProcessPool
        try:
            return self._get().submit(timed, fn, *args)
        except BrokenProcessPool as exc:
            # a worker died and the pool has not been replaced yet: this task fails like the ones
            # in flight (the stage recycles the pool and runs them again), instead of the stage
            fut: Future = Future()
            fut.set_exception(exc)
            return fut

    def broken(self) -> bool:
        return bool(self._pool is not None and getattr(self._pool, "_broken", False))

    def recycle(self) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)

    def abort(self) -> None:
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.kill()
        for p in procs:
            with contextlib.suppress(Exception):
                p.join(timeout=5)

    def describe(self) -> str:
        return f"local, {self.workers} processes"


def open_executor(cfg, workers: int = 0) -> Executor:
    """The configured executor (``workers``: a stage's own override of ``compute.workers``,
    local only).  Raises ComputeError with one line when a Dask cluster cannot be reached."""
    c = cfg["compute"]
    if c["executor"] == "dask":
        from miner.compute.distributed_backend import DaskExecutor
        return DaskExecutor(c["scheduler"], send=c["send"], timeout=c["connect_timeout_s"])
    n = local_workers(cfg, workers)
    return InlineExecutor() if n == 1 else LocalExecutor(n)


class Throughput:
    """Wall and CPU time of a stage (the driver's CPU plus its executor's tasks)."""

    def __init__(self):
        self.wall0 = time.monotonic()
        self.cpu0 = time.process_time()

    def measure(self, executor: Executor | None, **counts) -> dict:
        wall = time.monotonic() - self.wall0
        driver = time.process_time() - self.cpu0
        tasks = 0.0
        if executor is not None and not executor.inline:
            tasks = executor.cpu_seconds   # inline tasks already count in the driver's CPU time
        cpu = driver + tasks
        out = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
               "cpu_per_wall": round(cpu / wall, 2) if wall > 0 else None,
               "executor": executor.describe() if executor is not None else "local, 1 process"}
        for key, n in counts.items():
            out[key] = n
            if wall > 0:
                out[f"{key}_per_s"] = round(n / wall, 1)
        return out


def throughput_text(t: dict | None) -> str:
    """'12.3 pages/s, 4.1 docs/s; CPU 20.1 s over 10.2 s wall (2.0×, local, 2 processes)'."""
    if not t:
        return ""
    names = {"pages": "pages/s", "docs": "docs/s", "tokens": "tokens/s"}
    rates = ", ".join(f"{t[k + '_per_s']:g} {label}" for k, label in names.items() if t.get(k + "_per_s"))
    ratio = f"{t['cpu_per_wall']:.2f}×, " if t.get("cpu_per_wall") is not None else ""
    return (f"{rates + '; ' if rates else ''}CPU {t['cpu_s']:.1f} s over {t['wall_s']:.1f} s wall "
            f"({ratio}{t['executor']})")
