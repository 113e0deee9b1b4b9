"""Run one document's work in a worker process, with a time limit and crash containment.

A single pathological input (a page that sends a parser into a near-endless loop, markup nested
deep enough to overflow a C stack) must not stall or kill a batch. ``IsolatedRunner`` runs a
function in a long-lived worker process and waits at most ``timeout`` seconds for the answer:

1. the worker is started on first use and reused for every call, so the normal path costs one
   round trip through a pipe (the arguments and result are pickled);
2. when the answer does not come in time the worker is killed (SIGKILL: C code cannot ignore it)
   and ``TimeLimitError`` is raised; the next call starts a fresh worker;
3. when the worker dies (a segfault, the kernel's OOM killer) ``WorkerCrashError`` is raised;
4. an exception raised by the function is raised again in the caller.

Why a process rather than a thread or ``signal.alarm``: neither can interrupt C code (lxml), and
``alarm`` only works in the main thread, while the web server runs ingestion in worker threads.

Why ``fork`` (where the platform has it; ``spawn`` elsewhere): the worker starts in milliseconds
with every module already imported, and no script needs an ``if __name__ == "__main__"`` guard
(``spawn`` and ``forkserver`` re-import the main module in each worker). Forking a threaded
parent is safe here because the worker only runs pure extraction code: it never touches the
store's connection, logging handlers or BLAS thread pools the parent's threads may hold. A worker
exits by itself when its parent dies (even by ``kill -9``): it watches its parent id.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import threading
import time
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from storyline.errors import TimeLimitError, WorkerCrashError

__all__ = ["IsolatedRunner"]


def _exit_with_parent(parent: int) -> None:
    """Stop the worker once the process that started it is gone (its parent id changes)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _serve(conn: Connection) -> None:
    """The worker's loop: receive ``(function, args)``, send back ``("ok", result)`` or ``("error", exc)``."""
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except Exception as exc:
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or exception: say what it was
            conn.send(("error", RuntimeError(f"{type(reply[1]).__name__}: {reply[1]!r} (not picklable: {exc})")))


def _stop(process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
    conn.close()
    if process.is_alive():
        process.kill()
    process.join(5)


class IsolatedRunner:
    """Calls functions in a worker process, each call limited to ``timeout`` seconds.

    Args:
        timeout: seconds one call may take.
        limit_name: the config field that sets the timeout, named in the error message.

    Use as a context manager, or call ``close``; a runner that is garbage-collected stops its worker.
    """

    def __init__(self, timeout: float, limit_name: str = "timeout", preload: tuple[str, ...] = ()) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout!r}")
        self.timeout = timeout
        self.limit_name = limit_name
        self.preload = preload
        """Modules imported in the parent before forking, so a fresh worker does not spend its time limit
        importing them (a replaced worker would otherwise re-import them on its first document)."""
        self.started = 0
        """Workers started so far (the first, plus one after each time-out or crash)."""
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._finalizer: weakref.finalize | None = None

    def __enter__(self) -> IsolatedRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> tuple[multiprocessing.process.BaseProcess, Connection]:
        if self._process is not None and self._conn is not None and self._process.is_alive():
            return self._process, self._conn
        self.close()
        for name in self.preload:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                              else "spawn")
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end,), daemon=True, name="storyline-worker")
        process.start()
        child_end.close()
        self._process, self._conn = process, parent_end
        self._finalizer = weakref.finalize(self, _stop, process, parent_end)
        self.started += 1
        return process, parent_end

    def close(self) -> None:
        """Stop the worker; calling it again does nothing."""
        if self._finalizer is not None:
            self._finalizer()
        self._process = self._conn = self._finalizer = None

    def run(self, function: Callable[..., Any], *args: Any, origin: str = "input") -> Any:
        """Return ``function(*args)`` computed in the worker.

        Args:
            function: a module-level (picklable) function.
            args: its picklable arguments.
            origin: the input being processed, named in error messages.

        Raises:
            TimeLimitError: no answer within ``timeout`` seconds (the worker was killed).
            WorkerCrashError: the worker died while working.
            Exception: whatever ``function`` raised.
        """
        process, conn = self._start()
        try:
            conn.send((function, args))
            ready = conn.poll(self.timeout)
            status, value = conn.recv() if ready else ("timeout", None)
        except (EOFError, OSError, BrokenPipeError):
            status, value = "crash", None
        if status == "ok":
            return value
        if status == "error":
            raise value
        self.close()
        if status == "timeout":
            raise TimeLimitError(f"{origin}: timed out after {self.timeout:g}s ({self.limit_name}); "
                                 "the input was skipped", origin=origin)
        code = process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        raise WorkerCrashError(f"{origin}: the worker process died ({how}) while processing this input; "
                               "it was skipped", origin=origin)
