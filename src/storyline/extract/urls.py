"""Make an article's URL safe to store and to render as a link.

An article's ``url`` comes from the input (a JSONL field, a page's canonical link), so it is
untrusted: a ``javascript:`` or ``data:`` URL becomes script when a page renders it as a link, a
``file:`` URL points into the reader's machine, and ``https://user:password@host`` carries a
secret that must not be stored, logged or shown. The policy:

1. only absolute ``http`` and ``https`` URLs are kept; any other scheme (or none) drops the URL;
2. credentials (``user:password@``) are removed from the host part;
3. the article itself is stored either way, with a warning saying what was done.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["safe_url"]


def safe_url(url: str | None) -> tuple[str | None, str | None]:
    """Return ``(url to store or None, warning or None)`` for an untrusted article URL.

    >>> safe_url("https://ed:pw@example.org/a?b=1")
    ('https://example.org/a?b=1', 'url credentials removed')
    >>> safe_url("javascript:alert(1)")
    (None, "url dropped: scheme 'javascript' is not http(s)")
    """
    if url is None or not url.strip():
        return None, None
    try:
        parts = urlsplit(url.strip())
        hostname, port = parts.hostname, parts.port
    except ValueError:
        return None, "url dropped: not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None, f"url dropped: scheme {scheme!r} is not http(s)" if scheme else "url dropped: not absolute"
    if not hostname:
        return None, "url dropped: no host"
    if parts.username is None and parts.password is None:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment)), None
    host = f"[{hostname}]" if ":" in hostname else hostname
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment)), "url credentials removed"
