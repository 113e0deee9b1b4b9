"""Atom feeds of stories, storylines and what's new (``storyline.views.feeds``), for feed readers.

The pages they follow announce them with ``<link rel="alternate" type="application/atom+xml">``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from storyline.api.context import ctx_of
from storyline.views.feeds import MEDIA_TYPE, Feed, render_atom, story_feed, storyline_feed, whatsnew_feed

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _atom(request: Request, feed: Feed) -> Response:
    return Response(render_atom(feed, str(request.base_url)), media_type=f"{MEDIA_TYPE}; charset=utf-8")


@router.get("/stories/{story_id}/feed.atom")
def story(request: Request, story_id: str) -> Response:
    return _atom(request, story_feed(ctx_of(request).store(), story_id))


@router.get("/storylines/{storyline_id}/feed.atom")
def storyline(request: Request, storyline_id: str) -> Response:
    return _atom(request, storyline_feed(ctx_of(request).store(), storyline_id))


@router.get("/whatsnew/feed.atom")
def whatsnew(request: Request) -> Response:
    return _atom(request, whatsnew_feed(ctx_of(request).store()))
