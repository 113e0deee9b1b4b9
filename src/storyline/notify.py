"""Alerts: a JSON message to a webhook when a followed storyline gains a story or a significant update.

What is news (``[notify]`` in the config):

- ``new_story``: a story appeared in a followed storyline (or anywhere, when every storyline is
  followed); a story cut off another counts as new;
- ``story_update``: a story of a followed storyline changed significantly since the last alert
  about it: it gained at least ``min_new_articles`` articles, or articles from at least
  ``min_new_outlets`` outlets that had not covered it. Smaller changes add up until they are.

The first check only records where every story stands (what the store held before the watch
started is not news); the baselines live as long as the watch process. A baseline moves only
when its alert was delivered, so an alert that could not be posted is tried again at the next
cycle. A failed post is recorded as a Failure (stage ``notify``, ``storyline failures``) and
never stops the watch. Posts go through :meth:`storyline.ingest.fetch.HttpFetcher.post_json`:
the SSRF guard applies to the webhook URL as to any fetch (``--allow-private`` for one on
this machine or the local network).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from storyline.config import NotifyConfig
from storyline.errors import NotFoundError, StorylineError
from storyline.model import Failure, utc_now
from storyline.store import Store
from storyline.store.queries import ArticleFilter, recent_articles, story_coverage, story_listing, storyline_listing
from storyline.text import count_noun

__all__ = ["Alert", "Notifier", "Poster", "describe"]


class Poster(Protocol):
    """What sends an alert: :class:`~storyline.ingest.fetch.HttpFetcher` (tests pass a fake)."""

    def post_json(self, url: str, payload: Any) -> int:
        """POST ``payload`` as JSON; raise a StorylineError when it was not delivered."""
        ...


@dataclass(slots=True)
class _Seen:
    """Where a story stood at the last alert about it (or when the watch started)."""

    storyline_id: str | None
    outlets: dict[str, int]

    @property
    def size(self) -> int:
        return sum(self.outlets.values())


@dataclass(slots=True)
class Alert:
    """One message: ``kind`` is "new_story" or "story_update"; ``message`` is the JSON posted."""

    kind: str
    story_id: str
    message: dict[str, Any]
    state: _Seen
    """Where the story stands: its baseline once the alert is delivered."""


@dataclass(slots=True)
class Notifier:
    """Finds what is news in a store after each watch cycle and posts it to a webhook.

    Args:
        url: the webhook.
        poster: sends the messages (an ``HttpFetcher``).
        config: what counts as significant, the site's URL for links.
        follow: storyline ids to follow; empty follows every storyline.
    """

    url: str
    poster: Poster
    config: NotifyConfig = field(default_factory=NotifyConfig)
    follow: frozenset[str] = frozenset()
    _seen: dict[str, _Seen] | None = None

    def check(self, store: Store) -> list[Alert]:
        """Return the alerts the store's current state calls for (none at the first call: it sets the baselines)."""
        coverage = story_coverage(store)
        if self._seen is None:
            self._seen = {sid: _Seen(line, dict(outlets)) for sid, (line, outlets) in coverage.items()}
            return []
        followed = self._followed(store)
        alerts = []
        for story_id, (line, outlets) in sorted(coverage.items()):
            if followed is not None and line not in followed:
                continue
            before = self._seen.get(story_id)
            if before is None:
                alerts.append(self._alert(store, "new_story", story_id, line, outlets, None))
                continue
            gained = sum(outlets.values()) - before.size
            new_outlets = sorted(o for o in outlets if o and o not in before.outlets)
            if gained >= self.config.min_new_articles or len(new_outlets) >= self.config.min_new_outlets:
                alerts.append(self._alert(store, "story_update", story_id, line, outlets, before))
        return alerts

    def run(self, store: Store) -> tuple[list[Alert], list[Failure]]:
        """Check the store and post every alert; return those delivered and the failures (also stored).

        Never raises: a failure to read, to build or to deliver an alert is a Failure.
        """
        try:
            alerts = self.check(store)
        except Exception as exc:  # an alert must never stop the watch that ingests
            return [], [self._failed(store, f"{self.url}: could not work out the alerts: {exc!r}", exc)]
        sent, failures = [], []
        for alert in alerts:
            try:
                self.poster.post_json(self.url, alert.message)
            except StorylineError as exc:
                failures.append(self._failed(store, f"{exc.message} (alert {alert.kind} {alert.story_id})", exc))
                continue
            except Exception as exc:
                failures.append(self._failed(store, f"{self.url}: {exc!r} (alert {alert.kind} {alert.story_id})", exc))
                continue
            sent.append(alert)
            if self._seen is not None:
                self._seen[alert.story_id] = alert.state
        return sent, failures

    def _failed(self, store: Store, message: str, exc: Exception) -> Failure:
        failure = Failure(self.url, "notify", type(exc).__name__, message)
        with contextlib.suppress(Exception):  # the failure is still reported to the caller
            store.save_failure(failure)
        return failure

    def _followed(self, store: Store) -> set[str] | None:
        """The followed storylines, each merged one replaced by the one it went into; None follows all."""
        if not self.follow:
            return None
        followed = set()
        for line_id in self.follow:
            seen = {line_id}
            try:
                line = storyline_listing(store, line_id)
                while line.merged_into and line.merged_into not in seen:
                    seen.add(line.merged_into)
                    line = storyline_listing(store, line.merged_into)
            except NotFoundError:
                continue
            followed |= seen
        return followed

    def _link(self, path: str) -> dict[str, str]:
        site = self.config.site_url.rstrip("/")
        return {"path": path, **({"url": site + path} if site else {})}

    def _alert(self, store: Store, kind: str, story_id: str, line_id: str | None, outlets: dict[str, int],
               before: _Seen | None) -> Alert:
        story = story_listing(store, story_id)
        size = sum(outlets.values())
        gained = size - (before.size if before else 0)
        new_outlets = sorted(o for o in outlets if o and (before is None or o not in before.outlets))
        line = storyline_listing(store, line_id) if line_id else None
        articles = recent_articles(store, ArticleFilter(story_id=story_id),
                                   limit=min(max(gained, 0), self.config.max_articles_listed))
        why = ("a new story" + (" in the storyline" if line else "") if kind == "new_story" else
               "; ".join(part for part in (
                   f"{count_noun(gained, 'new article')}" if gained >= self.config.min_new_articles else "",
                   f"{count_noun(len(new_outlets), 'outlet')} covering it for the first time: {', '.join(new_outlets)}"
                   if len(new_outlets) >= self.config.min_new_outlets else "") if part))
        message = {
            "event": kind,
            "why": why,
            "sent_at": utc_now(),
            "storyline": {"id": line.id, "label": line.label, "stories": line.stories, **self._link(
                f"/storylines/{line.id}")} if line else None,
            "story": {"id": story.id, "label": story.label, "size": size, "outlets": len([o for o in outlets if o]),
                      "first_seen": story.first_seen, "last_seen": story.last_seen,
                      **self._link(f"/stories/{story.id}")},
            "new_articles": [{"id": h.id, "title": h.title, "outlet": h.outlet, "date": h.date, "url": h.url,
                              **self._link(f"/articles/{h.id}")} for h, _ in articles],
            "new_outlets": new_outlets,
        }
        return Alert(kind, story_id, message, _Seen(line_id, dict(outlets)))


def describe(alerts: Iterable[Alert]) -> list[str]:
    """One line per alert, for the watch's output."""
    return [f"{a.kind.replace('_', ' ')}: {a.message['story']['label'] or a.story_id} ({a.message['why']})"
            for a in alerts]
