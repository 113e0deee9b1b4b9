"""Clean plain text saved by a naive scraper: keep the article body, drop the page around it.

A scraped page is a sequence of blocks (lines, or blank-line paragraphs). Each block is labelled
from features, not from a list of whole phrases:

1. **code**: CSS or script fragments (braces, ``prop: value;``, ``/* ... */``, ``mso-``);
2. **caption**: photo captions (a photo credit at the end, ``FILE:`` at the start); every copy of a
   repeated caption is dropped;
3. **meta**: bylines and date lines (``By ... - Jun 16, 2014``, a bare date, ``Written : ...``),
   kept aside for metadata;
4. **chrome**: navigation and widgets: pipe-separated menus, vote counters, "emailed to you",
   share/subscribe/copyright lines, and short lines without sentence structure; with an
   ``OutletProfile``, lines recurring on the outlet's other pages;
5. **body**: sentence-like blocks (ending in sentence punctuation, enough function words) and
   short quoted paragraphs;
6. **repeat**: a later copy of a block already seen.

The article is the contiguous run of blocks with the largest total score (Kadane's maximum
subarray, as in Finn et al.'s body text extraction): body blocks score their word count, furniture
scores against in proportion to its length, captions and bylines cost little (they sit inside
articles too), and an end-of-article marker ("Related articles", "Comments") costs as much as a
long menu. Blocks before the region form the header (title, byline, navigation); blocks after it
are page furniture. Inside the region, body blocks, sub-headings and unique list items or table
rows (no link-like tokens, ``extract.features``) survive; chrome, captions and repeats do not.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from storyline.extract.features import line_features
from storyline.text import STOPWORDS, normalize, tokenize
from storyline.text import word_count as _spaced_words

__all__ = ["Block", "CleanedText", "OutletProfile", "RulePass", "clean_scrape", "is_chrome_wording", "line_key",
           "page_line_keys", "rule_pass", "split_blocks"]


_KEPT = ("body", "heading", "item")


@dataclass(frozen=True, slots=True)
class Block:
    """One line or paragraph of the scraped page, with its label and the reason for it."""

    index: int
    text: str
    label: str
    reason: str


@dataclass(slots=True)
class CleanedText:
    """The result of cleaning: body paragraphs, the header blocks, and every labelled block."""

    paragraphs: list[str]
    header: list[Block]
    blocks: list[Block] = field(default_factory=list)

    def removed(self) -> list[Block]:
        """Blocks that are not part of the body."""
        kept = {id(b) for b in self.blocks if b.label in _KEPT}
        return [b for b in self.blocks if id(b) not in kept]


_TERMINAL = re.compile(r"""[.!?…。！？](?:["'”’»)\]」]+)?\s*$|["”»」]\s*$""")
_QUOTE_CHARS = re.compile(r"[\"“”«»]")
# Patterns are searched in the lower-cased block (3-10x faster than re.IGNORECASE), split into what
# must start the block (``match``) and what may occur anywhere (``search``), so the engine does not
# try start-anchored alternatives at every position.
_CODE_START = re.compile(r"\s*(?:/\*|[{}]|<[a-z]+[\s>]|[\w-]+\s*:\s*[^\s;]+(?:\s+[^\s;]+)*;\s*$)")
_CODE_ANYWHERE = re.compile(r"\b(?:mso-[\w-]+\s*:|function\s*\(|var\s+\w+\s*=|document\.\w+)")
_CAPTION_WORDS = ("photo", "picture", "image", "credit", "getty", "file")
_CAPTION = re.compile(
    r"(?:\((?:[^()]*\b(?:photo|picture|image|credit|getty)s?\b[^()]*)\)\s*\.?\s*$"
    r"|\b(?:picture|photo|image|credit)s?\s*:\s*[^.]{1,60}\.?\s*$"
    r"|^\s*(?:file(?:\s+photo)?|photo|image)\s*:)",
)
_BYLINE = re.compile(r"^\s*(?:by|written|posted|published|updated|last updated)\b\s*(?:on|at|by)?\s*[:|\-]?",
                     re.IGNORECASE)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_TOKEN = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)",
    re.IGNORECASE,
)
_CHROME_START = re.compile(
    r"\s*(?:©|(?:share|tweet|print|e-?mail)(?: this)?\b"
    r"|(?:you are here|skip to (?:main )?content|select page|main menu|menu|search|home)\b"
    r"|media id\s*:|advertisement\b|(?:tags?|filed under|categories)\s*:)"
)
_CHROME_ANYWHERE = re.compile(
    r"\b(?:\d+\s+users?\s+ha(?:ve|s)\s+voted|including you|emailed to you|subscribe|newsletter|sign (?:up|in)"
    r"|log ?in|all rights reserved|copyright|click here|follow us|cookies?)\b"
)
_TAIL_MARKER = re.compile(
    r"^\s*(?:popular posts|related (?:articles?|stories|posts|news|content)|read more|more from|"
    r"you may also like|recommended(?: for you)?|most (?:read|popular)|trending|comments?\b(?:\s*\(\d+\))?\s*$"
    r"|leave a (?:comment|reply)|sources?\s*:?\s*$)",
    re.IGNORECASE,
)
_BASE_STOPWORDS = STOPWORDS


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def word_count(text: str) -> int:
    """Words in ``text``, counting scripts written without spaces (CJK, Thai) at two characters a word.

    >>> word_count("The plan went ahead."), word_count("商標権侵害と判断される場合があります")
    (4, 9)
    """
    if text.isascii():  # no unspaced script possible: skip the scan
        return _spaced_words(text)
    unspaced = len(_UNSPACED.findall(text))
    return _spaced_words(text) + unspaced // 2 if unspaced else _spaced_words(text)


def split_blocks(text: str) -> list[str]:
    """Split scraped text into blocks: every non-empty line, re-joining hard-wrapped paragraphs.

    A blank-line paragraph whose lines (all but the last) are long and do not end a sentence is
    treated as one wrapped paragraph; otherwise each line is a block of its own.

    >>> split_blocks("Menu\\n\\nA long line that was wrapped by the\\nscraper at forty characters or so.")
    ['Menu', 'A long line that was wrapped by the scraper at forty characters or so.']
    """
    blocks: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if len(lines) > 1 and all(len(line) >= 30 and not _TERMINAL.search(line) for line in lines[:-1]):
            blocks.append(" ".join(lines))
        else:
            blocks.extend(lines)
    return blocks


def _stop_ratio(text: str) -> float:
    tokens = tokenize(text)
    return sum(t in _BASE_STOPWORDS for t in tokens) / len(tokens) if tokens else 0.0


def is_chrome_wording(text: str) -> bool:
    """Whether a block uses page-widget or navigation wording (subscribe, cookies, "Share this", "Home", ...).

    >>> is_chrome_wording("Share this article"), is_chrome_wording("The port reopened on Monday.")
    (True, False)
    """
    return _is_chrome(text.lower())


def _is_chrome(lowered: str) -> bool:
    """``is_chrome_wording`` of a block already in lower case."""
    return bool(_CHROME_START.match(lowered) or _CHROME_ANYWHERE.search(lowered))


def _is_code(lowered: str) -> bool:
    """A CSS or script fragment (``lowered``: the block in lower case)."""
    return lowered.rstrip().endswith(("*/", "{", "}")) or bool(
        _CODE_START.match(lowered) or _CODE_ANYWHERE.search(lowered))


def _is_caption(lowered: str) -> bool:
    """A photo caption or credit line (``lowered``: the block in lower case)."""
    return any(word in lowered for word in _CAPTION_WORDS) and bool(_CAPTION.search(lowered))


def _is_dateline_or_byline(text: str, words: int) -> bool:
    if words > 25:
        return False
    if _BYLINE.match(text) and not _TERMINAL.search(text.rstrip(" |")):
        return True
    dates = _DATE_TOKEN.findall(text)
    covered = sum(len(d) for d in dates)
    return bool(dates) and covered >= 0.3 * len(text.strip())


def _is_body(text: str, words: int) -> bool:
    if text.count("|") >= 2:
        return False
    ratio = _stop_ratio(text)
    if not _TERMINAL.search(text):
        # scrapers drop final full stops; a long run of prose is body all the same (in any
        # language, where English function words say nothing, once it is long enough)
        return (words >= 15 and ratio >= 0.2) or words >= 30
    if _QUOTE_CHARS.search(text) and words >= 2:
        return True
    # long sentences are prose in any language, where English function words say nothing
    return words >= 20 or (words >= 8 and ratio >= 0.15) or (words >= 4 and ratio >= 0.25)


def _is_heading(text: str) -> bool:
    words = word_count(text)
    letters = sum(c.isalpha() for c in text)
    return 2 <= words <= 14 and letters >= 0.7 * len(text.replace(" ", "")) and "|" not in text \
        and not _TERMINAL.search(text)


def _label(text: str) -> tuple[str, str]:
    lowered = text.lower()
    if _is_code(lowered):
        return "code", "CSS or script fragment"
    if _is_caption(lowered):
        return "caption", "photo caption with a credit"
    if _is_chrome(lowered):
        return "chrome", "page widget or navigation wording"
    words = word_count(text)
    if _is_dateline_or_byline(text, words):
        return "meta", "byline or date line"
    if text.count("|") >= 1 and not _TERMINAL.search(text):
        return "chrome", "pipe-separated menu or site name"
    if _is_body(text, words):
        return "body", "sentence-like text"
    if words < 4:
        return "chrome", "short line without sentence structure"
    return "other", "no sentence structure"


def line_key(block: str) -> str:
    """A short stable key of one block (hash of its normalised text), as outlet profiles store it.

    >>> line_key("Sign up  for our NEWSLETTER") == line_key("sign up for our newsletter")
    True
    """
    # surrogatepass: a scrape decoded from JSON may hold lone surrogates; its key must still exist
    return hashlib.blake2b(normalize(block).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def page_line_keys(text: str) -> set[str]:
    """The distinct line keys of one scraped page (what an outlet profile counts per page)."""
    return {line_key(b) for b in split_blocks(text)}


@dataclass(slots=True)
class OutletProfile:
    """Lines seen across earlier articles of one outlet: text recurring there is the outlet's furniture.

    Build it from the scraped pages of an outlet (``add`` each page), or load the counts of one
    page's lines from the store (``store.outlets``); a line found on at least ``min_pages`` pages
    counts as chrome when cleaning another page of that outlet, even when it reads like prose.
    """

    pages: int = 0
    line_pages: dict[str, int] = field(default_factory=dict)
    min_pages: int = 2

    def add(self, text: str) -> None:
        """Count the distinct lines of one more page of the outlet."""
        self.pages += 1
        for key in page_line_keys(text):
            self.line_pages[key] = self.line_pages.get(key, 0) + 1

    def recurring(self, key: str) -> bool:
        """True when a line (its ``line_key``) occurs on ``min_pages`` or more of the outlet's pages."""
        return self.line_pages.get(key, 0) >= self.min_pages


_MARKER_SCORE = -40.0


def _score(label: str, text: str) -> float:
    """The block's weight in the search for the article region: body words count for, the rest against."""
    words = word_count(text)
    if label == "body":
        return float(words)
    if label in ("caption", "meta", "code"):
        return -2.0  # photo captions, bylines and embeds sit inside articles too
    if label == "other":
        return -(min(words, 10) + 2.0)  # text without sentence structure: tables, lists, subheads
    # furniture costs more the longer it is (a long menu separates two articles more than a "Share")
    return -(2.0 * min(words, 10) + 5.0)


def _article_region(scores: list[float]) -> tuple[int, int]:
    """The contiguous run of blocks with the largest total score (Kadane): the article body.

    Returns ``(first, last)`` block indexes, or ``(len, -1)`` when no block scores above zero.
    """
    best, best_span = 0.0, (len(scores), -1)
    running, start = 0.0, 0
    for i, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_span = running, (start, i)
    return best_span


@dataclass(slots=True)
class RulePass:
    """What the rules say about each block of a page, before the learned model (``extract.scrape_model``).

    ``blocks`` holds the rule labels; ``first``/``last`` bound the article region (Kadane);
    ``tail`` is the index of the first end-of-article marker after the region start (or len);
    ``counts`` the number of copies of each block on the page; ``recurring`` marks lines the
    outlet profile knows from the outlet's other pages; ``base`` holds each block's
    ``(label, reason)`` from its own text, before the region decided where it sits.
    """

    blocks: list[Block]
    base: list[tuple[str, str]]
    keys: list[str]
    counts: dict[str, int]
    markers: list[bool]
    recurring: list[bool]
    first: int
    last: int
    tail: int


def rule_pass(text: str, profile: OutletProfile | None = None) -> RulePass:
    """Label every block of a scraped page by the rules and find the article region."""
    raw_blocks = split_blocks(text)
    keys = [normalize(b) for b in raw_blocks]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1

    labelled: list[tuple[str, str]] = [_label(b) for b in raw_blocks]
    recurring = [profile is not None and profile.recurring(line_key(b)) for b in raw_blocks]
    seen: set[str] = set()
    for i, key in enumerate(keys):
        label, _ = labelled[i]
        if recurring[i]:
            labelled[i] = ("chrome", "recurs on other pages of the outlet")
        elif label == "body" and key in seen:
            labelled[i] = ("repeat", "copy of an earlier block")
        seen.add(key)

    markers = [bool(_TAIL_MARKER.match(b)) for b in raw_blocks]
    # an end-of-article marker ("Related articles") weighs as much as a long menu: the article
    # region rarely spans one, but a marker in the navigation above the article cuts nothing
    first, last = _article_region([_MARKER_SCORE if markers[i] else _score(label, raw_blocks[i])
                                   for i, (label, _) in enumerate(labelled)])
    tail = next((i for i in range(max(first, 0), len(raw_blocks)) if markers[i]), len(raw_blocks))

    blocks: list[Block] = []
    for i, text_block in enumerate(raw_blocks):
        label, reason = labelled[i]
        if i >= tail:
            label, reason = "tail", "after an end-of-article marker"
        elif i > last and i > first:
            label, reason = "tail", "page furniture after the article"
        elif first < i < last and label == "body":
            pass
        elif i < first and label == "body":
            label, reason = "outside", "sentence-like, but outside the article region"
        elif first < i < last and label in ("other", "chrome") and _is_heading(text_block) \
                and counts[keys[i]] == 1 and not is_chrome_wording(text_block):
            label, reason = "heading", "sub-heading between body paragraphs"
        elif first < i < last and label == "other" and counts[keys[i]] == 1 \
                and not line_features(text_block).link_like:
            label, reason = "item", "list item or table row inside the article"
        blocks.append(Block(i, text_block, label, reason))
    return RulePass(blocks, list(labelled), keys, counts, markers, recurring, first, last, tail)


def clean_scrape(text: str, profile: OutletProfile | None = None) -> CleanedText:
    """Label every block of a scraped page and return the body paragraphs.

    The rules (``rule_pass``) label the blocks and find the article region; a linear model over
    the rule labels and general features of each block and its neighbours, smoothed along the
    page (``extract.scrape_model``), makes the final keep-or-drop call.

    Args:
        text: decoded page text as a scraper saved it.
        profile: lines recurring across other pages of the same outlet (optional); they are chrome here.

    Returns:
        The body paragraphs in order, the header blocks (before the article region, for title,
        byline and date inference) and every block with its label.
    """
    from storyline.extract.scrape_model import decide

    rules = rule_pass(text, profile)
    blocks = decide(rules)
    paragraphs = [b.text for b in blocks if b.label in _KEPT]
    header = [b for b in blocks if b.index < rules.first]
    return CleanedText(paragraphs=paragraphs, header=header, blocks=blocks)
