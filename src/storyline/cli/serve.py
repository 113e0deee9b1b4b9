"""``storyline serve``: the HTTP API and web UI over a store (needs the ``web`` extra)."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from storyline.cli._common import ConfigOption, DbOption, app, config_from, err_console, store_path
from storyline.config import StorylineConfig
from storyline.errors import StoreError

__all__ = ["offer_to_serve", "serve", "serve_store", "tcp_listener"]

TOKEN_ENV = "STORYLINE_TOKEN"
KEEP_ALIVE_SECONDS = 30
"""Idle keep-alive connections are closed after this long. uvicorn's 5 s default races clients
that reuse a pooled connection just as the server closes it (the request fails with a reset)."""


def tcp_listener(sock: socket.socket) -> socket.socket:
    """Return a listening TCP socket that reports ``IPPROTO_TCP``, so its connections get ``TCP_NODELAY``.

    uvicorn's ``Config.bind_socket`` (used for ``--workers`` > 1) left ``proto`` at 0 (fixed in later
    releases; a socket that already reports TCP is returned as it is); accepted
    sockets inherit it and asyncio enables ``TCP_NODELAY`` only on sockets reporting
    ``IPPROTO_TCP``, so Nagle's algorithm stays on and every keep-alive request after the first
    waits ~40 ms for the client's delayed ACK (uvicorn issue #3149). The descriptor is kept as it
    is (same bound address); only the Python object is re-made with the protocol.
    """
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_store(db: Path, config: StorylineConfig, token: str | None, *, workers: int = 1,
                config_path: Path | None = None, serve_changes: dict[str, object] | None = None) -> None:
    """Run the app over ``db`` with uvicorn until interrupted (host and port from ``config.serve``).

    With ``workers`` > 1, uvicorn starts that many processes sharing the socket; each builds its
    app from ``config_path`` and ``serve_changes`` (see :func:`storyline.api.app.app_from_env`).
    """
    try:
        import uvicorn

        from storyline.api import create_app
        from storyline.api.app import SERVE_ENV
    except ImportError as exc:
        err_console.print(Text.assemble(("error:", "red"), f" serving needs FastAPI and uvicorn, part of a normal "
                                                           f"install: pip install storyline ({exc})"))
        raise SystemExit(1) from None
    host, port = config.serve.host, config.serve.port
    if not _is_loopback(host):
        err_console.print(Text.assemble(("warning:", "yellow"), f" binding {host}: the site is reachable from other "
                                        "machines" + ("" if token else "; writes stay off without --token")))
    err_console.print(f"storyline: serving {db} at http://{host}:{port}/  "
                      f"(writes {'on: token required' if token else 'off'}; {workers} worker process"
                      f"{'es' if workers > 1 else ''}; Ctrl+C to stop)")
    if workers == 1:
        uvicorn.run(create_app(db, token=token, config=config), host=host, port=port, log_level="warning",
                    server_header=False, timeout_keep_alive=KEEP_ALIVE_SECONDS)
        return
    import json
    import os

    from storyline.store import Store

    Store(db).close()  # create or migrate once, before the workers race to do it
    os.environ[SERVE_ENV] = json.dumps({"db": str(db), "config": str(config_path) if config_path else None,
                                        "serve": serve_changes or {}})
    if token:
        os.environ[TOKEN_ENV] = token
    from uvicorn.supervisors import Multiprocess

    # uvicorn.run(workers=N) without its listener's missing TCP_NODELAY (see tcp_listener)
    server = uvicorn.Config("storyline.api.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                            log_level="warning", server_header=False, timeout_keep_alive=KEEP_ALIVE_SECONDS)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C stops the workers; not an error
        Multiprocess(server, sockets=[tcp_listener(server.bind_socket())]).run()


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(help="Interface to bind \\[default: 127.0.0.1, loopback only].")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port \\[default: 8000].")] = None,
    token: Annotated[str | None, typer.Option(envvar=TOKEN_ENV, help="Token that enables ingestion and other "
                                              f"writes (or ${TOKEN_ENV}); without it writes are off.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help=(
        "Server processes \\[default: serve.workers (2) without --token; 1 with --token, because an "
        "ingestion job's progress is only known to the process that runs it]."))] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the web UI and the JSON API (docs at /docs, schema at /api/openapi.json)."""
    cfg = config_from(config)
    changes = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if changes:
        cfg = cfg.replace("serve", **changes)
    if workers is None:
        workers = 1 if token else cfg.serve.workers
    elif workers > 1 and token:
        err_console.print(Text.assemble(("warning:", "yellow"), " with several workers, an ingestion job's progress "
                                        "is only shown by the worker that took it; polling may answer 404 from "
                                        "another one"))
    path = store_path(db)
    if not path.exists():  # serving a mistyped path would create an empty store and an empty site
        raise StoreError(f"no store at {path}; ingest first or pass --db")
    serve_store(path, cfg, token, workers=workers, config_path=config, serve_changes=changes)


def offer_to_serve(db: Path) -> None:
    """Print how to browse a store; in an interactive terminal, offer to serve it now."""
    err_console.print(f"\nBrowse it in a web browser: storyline serve --db {db}", soft_wrap=True)
    if sys.stdin.isatty() and sys.stdout.isatty() and typer.confirm("Serve it now at http://127.0.0.1:8000/?",
                                                                    default=False):
        serve_store(db, StorylineConfig(), token=None)
