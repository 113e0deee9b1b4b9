"""The HTML extraction cascade: candidates, the agreement choice, dates, language, the recorded reason."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storyline import RawDocument, StorylineConfig, extract_article
from storyline.config import ExtractConfig
from storyline.extract.agreement import choose_candidate
from storyline.extract.candidates import ExtractionCandidate as Candidate
from storyline.extract.features import line_features, prose_line
from storyline.extract.html import extract_html
from storyline.extract.htmltext import html_to_lines
from storyline.extract.language import identify_language

BODY = [
    "The harbour authority said on Monday that the new crane would be installed before the winter storms.",
    "Engineers have spent three months testing the foundations, which were damaged in the floods last year.",
    "The mayor told reporters that the project was on budget and that the port would reopen in March.",
]
PROSE_TAIL = [
    "Residents who live near the quay said they were relieved, although some worried about the noise at night.",
    "A spokesperson for the dockworkers' union said its members would be consulted about the new shift patterns.",
]
JUNK_TAIL = ["Sign up for our newsletter", "Most read", "Crane collapse: what we know", "Share this article"]


def test_shorter_candidate_wins_when_the_longer_adds_furniture():
    choice = choose_candidate(Candidate("trafilatura", BODY + JUNK_TAIL), Candidate("readability", BODY),
                              ExtractConfig())
    assert choice.candidate.name == "readability"
    assert "not confirmed" in choice.reason


def test_longer_candidate_wins_when_the_shorter_stopped_early():
    choice = choose_candidate(Candidate("trafilatura", BODY), Candidate("readability", BODY + PROSE_TAIL),
                              ExtractConfig())
    assert choice.candidate.name == "readability"
    assert "stopped early" in choice.reason


def test_agreeing_candidates_keep_the_primary_and_empty_ones_lose():
    config = ExtractConfig()
    assert choose_candidate(Candidate("trafilatura", BODY), Candidate("readability", BODY), config).reason \
        == "trafilatura and readability agree"
    assert choose_candidate(Candidate("trafilatura", []), Candidate("readability", BODY), config).candidate.name \
        == "readability"
    assert choose_candidate(Candidate("trafilatura", BODY), Candidate("readability", []), config).candidate.name \
        == "trafilatura"


def test_prose_line_tells_prose_from_furniture():
    assert prose_line(BODY[0]) == (17, True)
    assert not prose_line("Home | World | Business | Sport | Culture | Opinion")[1]
    assert not prose_line("Follow us on www.example.com for more news about the port every day.")[1]
    assert not prose_line("The Best Places To Visit In The City This Summer")[1]


def _prose_from_all_features(line: str) -> tuple[int, bool]:
    """The prose rule written out on the full feature set: ``prose_line`` computes fewer, lazily."""
    f = line_features(line)
    if f.link_like or f.widget or f.words < 10 or (f.capitalised > 0.7 and f.words < 25):
        return f.words, False
    return f.words, f.sentence_end or f.punctuation >= 2 or f.words >= 20


_LINE_PARTS = st.sampled_from(["The", "minister", "said", "on", "Monday", "|", "www.site.com", "Share", "Home",
                               "that", "plans", "would", "go", "ahead", ".", ",", "“quoted”", "2014", "—", "@user",
                               "Sign up", "IRAQ", "and", "the", "U.S.", "!", "?"])


@given(st.lists(_LINE_PARTS, max_size=40))
def test_prose_line_matches_the_rule_on_all_features(parts):
    line = " ".join(parts)
    assert prose_line(line) == _prose_from_all_features(line)


def test_html_to_lines_puts_blocks_on_their_own_lines_and_drops_invisible_text():
    html = ("<html><head><title>T</title><style>p{}</style></head><body><nav><a>Home</a> <a>News</a></nav>"
            "<p>First <i>para</i>graph.</p><!-- hidden --><div>Second<br>line</div><script>var x;</script></body>"
            "</html>")
    assert html_to_lines(html) == ["Home News", "First paragraph.", "Second", "line"]
    assert html_to_lines("") == []


PAGE = """<html><head><meta charset="utf-8"><title>Crane to be installed - Harbour Times</title>
<meta property="og:site_name" content="Harbour Times"><link rel="canonical" href="https://harbour.example/crane">
<meta property="article:published_time" content="2025-10-02T08:00:00Z"></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Crane to be installed</h1>{body}</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Crane collapse: what we know</a></li></ul></aside>
<footer>Sign up for our newsletter. Copyright 2025 Harbour Times</footer></body></html>"""


def _page(paragraphs: list[str], head_date: bool = True) -> str:
    html = PAGE.format(body="".join(f"<p>{p}</p>" for p in paragraphs))
    return html if head_date else html.replace('<meta property="article:published_time" '
                                               'content="2025-10-02T08:00:00Z">', "")


def test_article_records_the_winning_method_and_why(tmp_store):
    raw = RawDocument.from_bytes("crane.html", _page(BODY + PROSE_TAIL).encode(), "text/html")
    article = extract_article(raw)
    assert article.extraction_method in ("trafilatura", "readability")
    assert article.extraction_reason
    assert "Sign up" not in article.text and "Most read" not in article.text
    assert all(p in article.text for p in BODY + PROSE_TAIL)
    assert (article.title, article.outlet) == ("Crane to be installed", "Harbour Times")
    assert article.url == "https://harbour.example/crane"
    assert article.day.isoformat() == "2025-10-02" and not article.date.inferred
    assert article.language == "en"
    tmp_store.save_document(raw, article)
    assert tmp_store.schema_version() >= 2
    assert tmp_store.article(article.id).extraction_reason == article.extraction_reason


def test_readability_can_be_switched_off():
    config = StorylineConfig().replace("extract", use_readability=False).extract
    extraction = extract_html(_page(BODY), config=config)
    assert extraction.method == "trafilatura" and "readability not run" in extraction.reason


def test_a_long_all_prose_proposal_needs_no_second_opinion(monkeypatch):
    from storyline.extract import html as html_module

    calls = []
    original = html_module.readability_candidate
    monkeypatch.setattr(html_module, "readability_candidate", lambda *a: calls.append(a) or original(*a))
    long_page = _page(BODY + PROSE_TAIL + BODY[::-1])  # ~140 words, all prose
    config = ExtractConfig(second_opinion_min_words=80)
    extraction = extract_html(long_page, config=config)
    assert extraction.method == "trafilatura" and "readability not needed" in extraction.reason and not calls
    # too short to trust alone, or the check switched off: readability gives its opinion
    assert "readability not needed" not in extract_html(_page(BODY), config=config).reason
    always = ExtractConfig(second_opinion_min_words=80, second_opinion_prose_share=1.0)
    assert "agree" in extract_html(long_page, config=always).reason and len(calls) == 2


def test_date_guessed_by_htmldate_is_marked_inferred():
    html = _page(BODY, head_date=False)
    extraction = extract_html(html, url="https://harbour.example/2024/05/17/crane-installed")
    assert extraction.date is not None and extraction.date.inferred
    assert extraction.date.value == "2024-05-17" and "htmldate" in extraction.date.source


def test_page_without_article_text_is_rescued_or_empty():
    extraction = extract_html("<html><body><nav>Home | News</nav></body></html>")
    assert extraction.paragraphs == []


def test_non_english_article_is_kept_and_marked():
    text = ("Le conseil municipal a voté mardi la fermeture du vieux pont pour réparations, après que des "
            "ingénieurs ont découvert des fissures dans la structure. Les travaux doivent durer six mois. ") * 2
    article = extract_article(RawDocument.from_bytes("fr.txt", text.encode("utf-8"), "text/plain"))
    assert article.language == "fr"
    assert "réparations" in article.text
    assert any("non-English" in w for w in article.warnings)


def test_language_identifier_needs_enough_text():
    assert identify_language("Hallo") is None
    guess = identify_language("Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für Reparaturen zu schließen.")
    assert guess is not None and guess.code == "de" and 0 < guess.confidence <= 1
