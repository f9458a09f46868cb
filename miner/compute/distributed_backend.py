"""The Dask distributed backend of the executor (``[compute] executor = "dask"``).

The driver is a client of a running cluster (``dask scheduler`` + ``dask worker`` on the
machines, or a ``LocalCluster``); it never starts or stops the cluster.  Tasks are the same
module-level functions the local pool runs, so every worker needs the same miner version
(and, with ``send = "paths"``, the same data folder at the same path).  With
``send = "bytes"`` a raw file is sent to the cluster once (``scatter``) and every task of
that file (page ranges of a long PDF) refers to it.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

from miner.compute import ComputeError, Executor, Shipped, timed


class DaskExecutor(Executor):
    name = "dask"

    def __init__(self, scheduler: str, send: str = "paths", timeout: float = 10):
        super().__init__()
        try:
            from distributed import Client
        except ImportError:
            raise ComputeError("compute.executor = \"dask\" needs the dask[distributed] package "
                               "(pip install 'dask[distributed]')") from None
        try:
            self.client = Client(scheduler, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ComputeError(f"compute.scheduler: cannot reach the Dask scheduler at {scheduler}: "
                               f"{type(exc).__name__}: {exc}") from None
        self.scheduler = scheduler
        self.send = send
        self._futures: set = set()
        self._shipped: dict[str, object] = {}
        threads = sum(self.client.nthreads().values())
        if not threads:
            self.client.close()
            raise ComputeError(f"compute.scheduler: the Dask cluster at {scheduler} has no workers")
        self.workers = threads

    def submit(self, fn, *args):
        fut = self.client.submit(timed, fn, *args, pure=False)
        self._futures.add(fut)
        return fut

    def wait_any(self, futures) -> set:
        from distributed import wait
        with self.client.as_current():   # wait() asks for "the" client; this one, not a global default
            done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def result(self, fut):
        try:
            return super().result(fut)
        finally:
            self._futures.discard(fut)
            fut.release()

    def ship(self, path: str):
        if self.send == "paths":
            return path
        if path not in self._shipped:
            data = Shipped(Path(path).read_bytes(), Path(path).suffix)
            self._shipped[path] = self.client.scatter(data, hash=False)
        return self._shipped[path]

    def forget(self, path: str) -> None:
        """A file's tasks are done: the cluster may drop its bytes."""
        fut = self._shipped.pop(path, None)
        if fut is not None:
            fut.release()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.client.cancel(list(self._futures))
        self.close()

    def describe(self) -> str:
        return f"dask at {self.scheduler}, {self.workers} worker thread(s)"
