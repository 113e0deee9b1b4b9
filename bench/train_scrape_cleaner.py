"""Learn the scrape cleaner's block model offline, and report in-sample and held-out (k-fold by page) F1.

    python bench/train_scrape_cleaner.py [--data PATH] [--folds 5] [--write]

Input: the scrapinghub pages as a naive scraper saves them (``eval.extraction.scraped_text``).
Each block of a page (``extract.scrape.rule_pass``) is labelled body when most of its word
4-grams (shorter blocks: the whole block) occur in the page's ground-truth body. A logistic
model over ``extract.scrape_model.block_features`` is fitted by Newton's method with an L2
penalty; each page weighs the same (a block's weight is its share of the page's words), as in
the benchmark metric. The Viterbi switch cost and a shift of the bias (precision against recall) are chosen on the
training pages from a small grid.

Reported: the benchmark F1 of the rules alone, of the model fitted on all pages and scored on
them (in-sample), and of k-fold cross-validation (folds by page: each page scored by a model
that never saw it, switch cost chosen inside the fold). ``--write`` rewrites the constants at
the end of ``src/storyline/extract/scrape_model.py`` with the weights fitted on all pages.
Needs numpy (training only; the package uses the fixed weights).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

from storyline.eval.extraction import default_data, load_metric, load_pages, scraped_text
from storyline.extract.scrape import _KEPT, rule_pass
from storyline.extract.scrape_model import FEATURE_NAMES, block_features, body_probabilities, constrained, smooth

_COSTS = (0.0, 1.0, 2.0)
_SHIFTS = (-1.0, -0.5, 0.0, 0.5)  # added to the fitted bias: trades precision for recall
_L2 = 0.01


def _grams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _page_data(metric, page) -> dict:  # type: ignore[no-untyped-def]
    rules = rule_pass(scraped_text(page.html))
    truth_tokens = metric._tokenize(page.truth)
    truth = {n: _grams(truth_tokens, n) for n in (1, 2, 3, 4)}
    labels, weights = [], []
    for block in rules.blocks:
        tokens = metric._tokenize(block.text)
        if len(tokens) >= 4:
            grams = [tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3)]
            share = sum(g in truth[4] for g in grams) / len(grams)
        else:
            share = float(tuple(tokens) in truth[len(tokens)]) if tokens else 0.0
        labels.append(1.0 if share >= 0.5 else 0.0)
        weights.append(len(tokens))
    total = sum(weights) or 1
    return {"page": page, "rules": rules, "x": block_features(rules), "y": labels,
            "w": [w / total for w in weights]}


def _fit(pages: list[dict]) -> tuple[np.ndarray, float]:
    rows = [r for p in pages for r in p["x"]]
    x = np.hstack([np.ones((len(rows), 1)), np.array(rows)])
    y = np.array([v for p in pages for v in p["y"]])
    w = np.array([v for p in pages for v in p["w"]]) + 1e-3
    beta = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * _L2
    penalty[0, 0] = 0.0
    for _ in range(30):
        p = 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))
        grad = x.T @ (w * (p - y)) + penalty @ beta
        hess = x.T @ (x * (w * p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hess + 1e-9 * np.eye(x.shape[1]), grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return beta[1:], float(beta[0])


def _predict(page: dict, weights: tuple[float, ...] | None, bias: float | None, cost: float) -> str:
    if weights is None:  # the rules alone
        return "\n".join(b.text for b in page["rules"].blocks if b.label in _KEPT)
    keep = smooth(constrained(body_probabilities(page["x"], weights, bias), page["rules"]), cost)
    return "\n".join(b.text for b, k in zip(page["rules"].blocks, keep, strict=True) if k)


def _score(metric, pages: list[dict], predictions: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    counts = [metric.string_shingle_matching(true=p["page"].truth, pred=pred)
              for p, pred in zip(pages, predictions, strict=True)]
    return {k: round(v, 4) for k, v in metric.metrics_from_tp_fp_fns(counts).items()}


def _train(metric, pages: list[dict]) -> tuple[tuple[float, ...], float, float]:  # type: ignore[no-untyped-def]
    weights, bias = _fit(pages)
    wt = tuple(float(v) for v in weights)
    cost, shift = max(((c, s) for c in _COSTS for s in _SHIFTS), key=lambda cs: _score(
        metric, pages, [_predict(p, wt, bias + cs[1], cs[0]) for p in pages])["f1"])
    return wt, bias + shift, cost


def _cross_validate(metric, pages: list[dict], folds: int, seed: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Score every page with a model fitted on the other folds (pages shuffled with ``seed``)."""
    order = list(range(len(pages)))
    random.Random(seed).shuffle(order)
    held_out: dict[int, str] = {}
    for fold in range(folds):
        test = [i for k, i in enumerate(order) if k % folds == fold]
        train = [pages[i] for k, i in enumerate(order) if k % folds != fold]
        weights, bias, cost = _train(metric, train)
        for i in test:
            held_out[i] = _predict(pages[i], weights, bias, cost)
    return _score(metric, pages, [held_out[i] for i in range(len(pages))])


def main() -> None:
    """Fit, cross-validate, print the numbers (JSON) and optionally write the weights into the package."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=1, help="repeat the cross-validation over this many shuffles")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    data = Path(args.data) if args.data else default_data()
    metric = load_metric(data)
    pages = [_page_data(metric, page) for page in load_pages(data)]
    held_out_runs = [_cross_validate(metric, pages, args.folds, 13 + seed) for seed in range(args.seeds)]
    weights, bias, cost = _train(metric, pages)
    report = {
        "pages": len(pages),
        "rules_only": _score(metric, pages, [_predict(p, None, None, 0) for p in pages]),
        "in_sample": _score(metric, pages, [_predict(p, weights, bias, cost) for p in pages]),
        f"cross_validated_{args.folds}_fold": held_out_runs[0],
        **({f"cross_validated_{args.folds}_fold_over_{args.seeds}_shuffles": {
            "f1_mean": round(float(np.mean([r["f1"] for r in held_out_runs])), 4),
            "f1_sd": round(float(np.std([r["f1"] for r in held_out_runs], ddof=1)), 4),
            "f1_each": [r["f1"] for r in held_out_runs]}} if args.seeds > 1 else {}),
        "switch_cost": cost,
        "weights": {name: round(w, 4) for name, w in zip(FEATURE_NAMES, weights, strict=True)},
        "bias": round(bias, 4),
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    if args.write:
        path = Path(__file__).resolve().parents[1] / "src" / "storyline" / "extract" / "scrape_model.py"
        source = path.read_text(encoding="utf-8")
        constants = ("WEIGHTS: tuple[float, ...] = (\n" + "".join(
            f"    {w:.4f},  # {name}\n" for name, w in zip(FEATURE_NAMES, weights, strict=True))
            + f")\nBIAS: float = {bias:.4f}\nSWITCH_COST: float = {cost}\n")
        source = re.sub(r"WEIGHTS: tuple\[float, \.\.\.\] = .*", constants, source, flags=re.DOTALL)
        path.write_text(source, encoding="utf-8")


if __name__ == "__main__":
    main()
