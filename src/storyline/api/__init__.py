"""HTTP API and web UI (FastAPI, Jinja2): ``create_app(db, token=...)``; ``storyline serve`` runs it.

Needs the ``web`` extra (``pip install 'storyline[web]'``).
"""

from storyline.api.app import create_app

__all__ = ["create_app"]
