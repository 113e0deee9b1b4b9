"""The scrape cleaner's final keep-or-drop call: a linear model over block features, smoothed along the page.

The rules in ``extract.scrape`` label each block and find the article region; they err on pages
where the body is mostly short lines (tables, results) or where a long comment thread or
teaser list competes with a short article. Here every block gets a feature vector: its rule
label, general line features (length, punctuation, function-word share, link-like tokens,
capitalisation, digits, widget words), where it sits (inside the region, before it, after an
end marker, relative position, which run of prose it belongs to), repetition on the page, and
the same for its neighbours. A logistic model turns the vector into P(body); a two-state
Viterbi pass then smooths the decisions along the page (body text comes in runs), with a fixed
cost per switch. Lines the outlet profile knows from the outlet's other pages are dropped
outright (the training pages have no outlet history to learn a weight from).

The weights are fixed constants learned offline by ``bench/train_scrape_cleaner.py`` on the
scrapinghub naive scrapes (block labels from the ground truth, each page weighted equally);
held-out numbers (5-fold cross-validation, folds by page) are in docs/results.md beside the
in-sample ones. Nothing is trained at run time.
"""

from __future__ import annotations

import math
import re

from storyline.extract.features import line_features
from storyline.extract.scrape import _KEPT, Block, RulePass, word_count

__all__ = ["FEATURE_NAMES", "allowed", "block_features", "body_probabilities", "constrained", "decide", "smooth"]

_RULE_LABELS = ("body", "heading", "item", "outside", "tail", "chrome", "caption", "meta", "code", "repeat", "other")
_QUOTES = re.compile(r"[\"“”«»]")

FEATURE_NAMES: tuple[str, ...] = (
    *(f"rule_{label}" for label in _RULE_LABELS),
    "log_words", "stop_ratio", "sentence_end", "link_like", "capitalised", "digits", "widget", "quotes",
    "punct_per_word", "in_region", "before_region", "after_marker", "position", "region_share",
    "repeated_on_page", "prev_kept", "next_kept", "prev_log_words", "next_log_words",
    "kept_window", "long_page", "prose_density", "window_log_words", "region_x_log_words",
    "end_x_log_words", "near_long_prose", "run_index", "run_share", "largest_run", "meta_window",
)
_RUN_GAP = 4  # this many blocks in a row without body text end a run of body text


def block_features(rules: RulePass) -> list[list[float]]:
    """One feature vector per block (order as ``FEATURE_NAMES``)."""
    blocks = rules.blocks
    n = len(blocks)
    if not n:
        return []
    words = [word_count(b.text) for b in blocks]
    kept = [1.0 if b.label in _KEPT else 0.0 for b in blocks]
    total = sum(words) or 1
    region_words = sum(words[i] for i in range(max(rules.first, 0), min(rules.last, n - 1) + 1))
    region_share = region_words / total
    log_words = [math.log1p(w) for w in words]
    feats = [line_features(b.text) for b in blocks]
    prose = [float(words[i]) if f.sentence_end and words[i] >= 10 else 0.0 for i, f in enumerate(feats)]
    long_prose = [i for i in range(n) if prose[i] >= 30]
    runs, run_words = _runs(prose)
    largest = max(range(len(run_words)), key=run_words.__getitem__) if run_words else -1
    prose_total = sum(run_words) or 1
    meta = [1.0 if b.label in ("meta", "caption") else 0.0 for b in blocks]
    rows: list[list[float]] = []
    for i, block in enumerate(blocks):
        f = feats[i]
        window = kept[max(0, i - 3):i] + kept[i + 1:i + 4]
        lo, hi = max(0, i - 5), min(n, i + 6)
        # text density around the block, independent of the rules' region: prose comes in runs
        density = sum(prose[lo:hi]) / (sum(words[lo:hi]) or 1)
        nearest = min((abs(i - j) for j in long_prose), default=n)
        in_region = float(rules.first <= i <= rules.last)
        rows.append([
            *(1.0 if block.label == label else 0.0 for label in _RULE_LABELS),
            log_words[i], f.stop_ratio, float(f.sentence_end), float(f.link_like > 0), f.capitalised, f.digits,
            float(f.widget), float(bool(_QUOTES.search(block.text))),
            min(f.punctuation / max(f.words, 1), 1.0),
            in_region, float(i < rules.first), float(i >= rules.tail), i / n,
            region_share, float(rules.counts[rules.keys[i]] > 1),
            kept[i - 1] if i else 0.0, kept[i + 1] if i + 1 < n else 0.0,
            log_words[i - 1] if i else 0.0, log_words[i + 1] if i + 1 < n else 0.0,
            sum(window) / len(window) if window else 0.0, math.log1p(n) / 10.0,
            density, sum(log_words[lo:hi]) / (hi - lo), in_region * log_words[i],
            float(f.sentence_end) * log_words[i], 1.0 / (1.0 + nearest),
            min(runs[i], 3) / 3.0, run_words[runs[i]] / prose_total, float(runs[i] == largest),
            sum(meta[lo:hi]) / (hi - lo),
        ])
    return rows


def _runs(prose: list[float]) -> tuple[list[int], list[float]]:
    """Split the page into runs of prose (the words of sentence-like blocks) separated by ``_RUN_GAP`` other blocks.

    Returns each block's run index and each run's body words. An article is usually one run,
    and the first long one; comment threads and teaser lists form later runs.
    """
    index, gap, started = 0, 0, False
    owner: list[int] = []
    totals: list[float] = [0.0]
    for count in prose:
        if count:
            if started and gap >= _RUN_GAP:
                index += 1
                totals.append(0.0)
            started, gap = True, 0
            totals[index] += count
        else:
            gap += 1
        owner.append(index)
    return owner, totals


def body_probabilities(rows: list[list[float]], weights: tuple[float, ...] | None = None,
                       bias: float | None = None) -> list[float]:
    """P(body) of each block under the logistic model (the shipped weights unless given)."""
    weights = WEIGHTS if weights is None else weights
    bias = BIAS if bias is None else bias
    out = []
    for row in rows:
        z = bias + sum(w * x for w, x in zip(weights, row, strict=True))
        out.append(1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))))
    return out


def smooth(probabilities: list[float], switch_cost: float | None = None) -> list[bool]:
    """Two-state Viterbi over the page: keep/drop each block, paying ``switch_cost`` (nats) per change."""
    cost = SWITCH_COST if switch_cost is None else switch_cost
    if not probabilities:
        return []
    eps = 1e-6
    drop, keep = math.log(max(1 - probabilities[0], eps)), math.log(max(probabilities[0], eps))
    back: list[tuple[bool, bool]] = []
    for p in probabilities[1:]:
        from_drop_to_keep, from_keep_to_keep = drop - cost, keep
        from_drop_to_drop, from_keep_to_drop = drop, keep - cost
        prev_for_keep = from_keep_to_keep >= from_drop_to_keep
        prev_for_drop = from_keep_to_drop > from_drop_to_drop
        back.append((prev_for_drop, prev_for_keep))
        keep = max(from_keep_to_keep, from_drop_to_keep) + math.log(max(p, eps))
        drop = max(from_drop_to_drop, from_keep_to_drop) + math.log(max(1 - p, eps))
    state = keep >= drop
    path = [state]
    for prev_for_drop, prev_for_keep in reversed(back):
        state = prev_for_keep if state else prev_for_drop
        path.append(state)
    return path[::-1]


def allowed(rules: RulePass) -> list[bool]:
    """Which blocks the model may keep.

    The rules' sure calls stay dropped: code, captions, bylines, widget and menu wording, end
    markers, the outlet's furniture, and everything before the region that is not sentence-like
    (the headline and navigation). Open to revision: sentence-like blocks anywhere, repeats and
    text without sentence structure after the region start, and short lines inside the region
    (table cells, results).
    """
    out = []
    for i, (label, reason) in enumerate(rules.base):
        if rules.recurring[i] or rules.markers[i]:
            out.append(False)
        elif label == "body":
            out.append(True)
        elif i < rules.first:
            out.append(False)
        elif label in ("other", "repeat"):
            out.append(True)
        else:
            out.append(reason == "short line without sentence structure" and i <= rules.last)
    return out


def constrained(probabilities: list[float], rules: RulePass) -> list[float]:
    """``probabilities`` with the blocks the model may not keep (``allowed``) set to 0."""
    return [p if ok else 0.0 for p, ok in zip(probabilities, allowed(rules), strict=True)]


def decide(rules: RulePass) -> list[Block]:
    """The final blocks: kept blocks labelled ``body`` (or their rule label when it is a kept one)."""
    keep = smooth(constrained(body_probabilities(block_features(rules)), rules))
    out = []
    for block, kept, recurring in zip(rules.blocks, keep, rules.recurring, strict=True):
        if recurring:
            # the outlet's own furniture, however prose-like: the profile overrules the model
            # (the training pages have no outlet history, so the model cannot weigh this itself)
            block = Block(block.index, block.text, "chrome", "recurs on other pages of the outlet")
        elif kept and block.label not in _KEPT:
            block = Block(block.index, block.text, "body", f"model: body despite rules ({block.reason})")
        elif not kept and block.label in _KEPT:
            block = Block(block.index, block.text, "dropped", f"model: furniture despite rules ({block.reason})")
        out.append(block)
    return out


# learned by bench/train_scrape_cleaner.py (see its docstring for the exact command)
WEIGHTS: tuple[float, ...] = (
    1.1275,  # rule_body
    0.3706,  # rule_heading
    0.2320,  # rule_item
    0.3358,  # rule_outside
    2.8012,  # rule_tail
    -0.2985,  # rule_chrome
    -2.5425,  # rule_caption
    -2.1692,  # rule_meta
    0.2727,  # rule_code
    0.0667,  # rule_repeat
    -0.1963,  # rule_other
    -0.2985,  # log_words
    0.3849,  # stop_ratio
    -0.4318,  # sentence_end
    -0.2881,  # link_like
    -0.6974,  # capitalised
    2.7724,  # digits
    -0.9325,  # widget
    0.2967,  # quotes
    1.5300,  # punct_per_word
    1.7638,  # in_region
    2.8128,  # before_region
    -2.3981,  # after_marker
    -0.6523,  # position
    -3.2353,  # region_share
    0.3608,  # repeated_on_page
    0.3971,  # prev_kept
    0.4937,  # next_kept
    0.1973,  # prev_log_words
    0.2086,  # next_log_words
    1.2052,  # kept_window
    -4.0810,  # long_page
    0.6536,  # prose_density
    1.1076,  # window_log_words
    0.3486,  # region_x_log_words
    0.4493,  # end_x_log_words
    -0.4208,  # near_long_prose
    0.1876,  # run_index
    0.3551,  # run_share
    -0.0918,  # largest_run
    -5.0199,  # meta_window
)
BIAS: float = -2.7940
SWITCH_COST: float = 1.0
