"""Extraction of the seeds (scraped plain text) and of HTML pages."""

from __future__ import annotations

import pytest

from storyline import ExtractionError, RawDocument, extract_article
from storyline.errors import BinaryInputError, DecodeError, EmptyInputError, MalformedRecordError
from storyline.extract.scrape import clean_scrape

from .conftest import SEEDS, shared_data

NOISE = [
    "You are here", "Select Page", "users have voted", "including you", "Media ID", "55333323",
    "AFP PHOTO", "AFP Photo", "Style Definitions", "mso-", "Popular posts from this blog",
    "emailed to you", "Get top stories", "washingtontimes", "chicagotribune", "nydailynews",
    "Comments", "French fighter jets launch", "Mosul Dam as US airstrikes continue", "Picture: AFP",
    "Written :", "By Agencies", "Last updated", "0 Comments", "//US and Iran",
]
KEPT = {
    "000": ["Pentagon spokesman Rear Admiral John Kirby said",
            "ISIL said it executed 1,700 soldiers out of 2,500 it had captured in Tikrit."],
    "001": ["Tareq Al-Hashemi, a Sunni who was vice president"],
    "002": ["We are open to any constructive process here that would minimize the violence."],
    "003": ["We are strongly opposed to US and other intervention in Iraq", "They took Ana and Rawa this morning"],
    "004": ["Several Iranian military advisers were also seen",
            "Or, in a worst case scenario, more Sunnis could align with Islamic State fighters."],
}
TITLES = {
    "000": "US will not consult Iran on military action in Iraq — Pentagon",
    "001": "US considers action with Iran against Iraq insurgent onslaught",
    "002": "John Kerry: US Open to Working With Iran Over Iraq Conflict",
    "003": "Iran rejects US action in Iraq",
    "004": "US and Iran Unlikely Allies in Iraq Battle",
}


def _seed(prefix: str):
    shared_data("seeds")
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    raw = RawDocument.from_bytes(str(path), path.read_bytes(), "text/plain")
    return extract_article(raw)


@pytest.mark.parametrize("prefix", sorted(TITLES))
def test_seed_noise_removed_and_body_kept(prefix):
    article = _seed(prefix)
    for noise in NOISE:
        assert noise not in article.text, f"{prefix}: noise {noise!r} survived"
    for sentence in KEPT.get(prefix, []):
        assert sentence in article.text, f"{prefix}: body sentence lost: {sentence!r}"
    assert article.title == TITLES[prefix]
    assert article.text.count("Taza Khormato") == 0


def test_seed_caption_never_survives_even_once():
    article = _seed("001")
    assert "Turkmen families leave the village" not in article.text


@pytest.mark.parametrize("prefix,day,precision", [("000", "2014-06-16", "day"), ("002", "2014-06-16", "day"),
                                                  ("004", "2014-09-01", "minute")])
def test_seed_stated_dates(prefix, day, precision):
    article = _seed(prefix)
    assert article.date is not None and not article.date.inferred
    assert article.day.isoformat() == day and article.date.precision == precision


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_seed_dates_guessed_from_content_are_marked_inferred(prefix):
    article = _seed(prefix)
    assert article.date is not None
    assert article.date.inferred is True
    assert article.date.precision == "week"
    assert "caption" in article.date.source


def test_seed_outlet_and_credits():
    asharq = _seed("001")
    assert asharq.outlet == "Asharq Al-Awsat"
    assert asharq.credits == ["Reuters"]
    assert set(_seed("000").credits) == {"Reuters", "AFP"}
    assert _seed("002").authors == ["Mohamed Abdel fattah"]


def test_every_body_paragraph_kept_in_order():
    article = _seed("003")
    paragraphs = [p.slice(article.text) for p in article.paragraphs]
    assert paragraphs[0].startswith("Iran’s supreme leader accused the US")
    assert paragraphs[-1].startswith("The government has mobilised Shi'ite militias")
    assert "They seized a second, al-Waleed, on Sunday." in paragraphs


def test_sentence_offsets_index_the_text():
    article = _seed("000")
    assert article.sentences and all(s.slice(article.text).strip() == s.slice(article.text)
                                     for s in article.sentences)
    assert any(s.slice(article.text).startswith("“I wouldn’t rule out anything") for s in article.sentences)


def test_scrape_cleaner_labels_blocks_with_reasons():
    cleaned = clean_scrape("Home | World | Sport\n\nA headline for the test\n\nBy Jo Bloggs - Jun 1, 2020\n\n"
                           "The minister said on Monday that the plan would go ahead despite protests.\n\n"
                           "“We will not back down.”\n\n12 users have voted, including you.\n\nRelated articles\n\n"
                           "Another story entirely here with a sentence of its own.")
    assert cleaned.paragraphs == ["The minister said on Monday that the plan would go ahead despite protests.",
                                  "“We will not back down.”"]
    labels = {b.text[:12]: b.label for b in cleaned.blocks}
    assert labels["Home | World"] == "chrome" and labels["By Jo Bloggs"] == "meta"


HTML = """<html><head><meta charset="utf-8"><title>Port strike - The Herald</title>
<meta property="og:site_name" content="The Herald"><meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-03-04T09:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Port strike begins</h1>
<p>Dockworkers at the port walked off the job on Monday, halting traffic at the busiest harbour.</p>
<p>"We will not back down," said the union leader, who represents about 3,000 workers at the port.</p>
</article><footer>Copyright 2025 The Herald</footer></body></html>"""


def test_html_extraction_with_metadata():
    article = extract_article(RawDocument.from_bytes("page.html", HTML.encode(), "text/html"))
    assert article.title == "Port strike begins"
    assert article.outlet == "The Herald" and article.authors == ["Jane Doe"]
    assert article.day.isoformat() == "2025-03-04" and not article.date.inferred
    assert "Copyright" not in article.text and "Home | World" not in article.text
    assert article.extraction_method == "trafilatura"


def test_jsonl_record_metadata_wins():
    record = b'{"id": "x1", "title": "T", "text": "The council voted on Tuesday to close the old bridge ' \
             b'for repairs, officials said, after engineers found cracks.", "outlet": "Daily", "date": "2025-01-02"}'
    article = extract_article(RawDocument.from_bytes("f.jsonl#L1", record, "application/x-jsonl-record"))
    assert (article.title, article.outlet, article.source_id) == ("T", "Daily", "x1")
    assert article.day.isoformat() == "2025-01-02" and not article.date.inferred


@pytest.mark.parametrize("content,content_type,error", [
    (b"", "text/plain", EmptyInputError),
    (b"   \n\n ", "text/html", EmptyInputError),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "text/html", BinaryInputError),
    (bytes(range(128, 256)) * 40, "text/plain", DecodeError),
    (b'{"title": "no text"}', "application/x-jsonl-record", MalformedRecordError),
    (b'{"text": broken', "application/x-jsonl-record", MalformedRecordError),
    (b"<html><body><nav>Home</nav></body></html>", "text/html", ExtractionError),
])
def test_bad_inputs_raise_typed_errors(content, content_type, error):
    with pytest.raises(error):
        extract_article(RawDocument.from_bytes("bad", content, content_type))


def test_legacy_encoding_is_detected_and_noted():
    text = ("Le conseil municipal a voté mardi la fermeture du vieux pont pour réparations, après que des "
            "ingénieurs ont découvert des fissures dans la structure. ") * 3
    article = extract_article(RawDocument.from_bytes("fr.txt", text.encode("cp1252"), "text/plain"))
    assert "réparations" in article.text
    assert any("decoded as" in w for w in article.warnings)


@pytest.mark.parametrize("content_type", ["text/plain", "text/html"])
def test_stray_nul_and_control_bytes_are_removed_with_a_warning(content_type):
    text = ("The council voted on Tuesday to close the old bridge for repairs, officials said, after engineers "
            "found deep cracks in two of its supporting piers.\n\nThe mayor said safety came first. ") * 2
    page = text if content_type == "text/plain" else f"<html><body><article><p>{text}</p></article></body></html>"
    dirty = page.encode().replace(b"old bridge", b"old\x00 bridge", 1).replace(b"mayor", b"ma\x07yor", 1)
    article = extract_article(RawDocument.from_bytes("dirty", dirty, content_type))
    assert "old bridge" in article.text and "mayor" in article.text and "\x00" not in article.text
    assert any("removed 2 stray control characters" in w for w in article.warnings)
    record = b'{"text": "' + text.replace("\n", " ").encode().replace(b"old", b"\x00old", 1) + b'"}'
    from_record = extract_article(RawDocument.from_bytes("r.jsonl#L1", record, "application/x-jsonl-record"))
    assert "old bridge" in from_record.text and any("stray control" in w for w in from_record.warnings)


@pytest.mark.parametrize("noise_seed", range(20))
def test_binary_data_with_few_control_bytes_is_still_binary(noise_seed):
    # 64 random bytes can hold under 5% control bytes: they still do not decode as text
    import random

    noise = random.Random(noise_seed).randbytes(64)
    with pytest.raises((BinaryInputError, DecodeError)):
        extract_article(RawDocument.from_bytes("x.png", b"\x89PNG\r\n\x1a\n" + noise, "text/html"))
