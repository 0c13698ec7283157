"""Benchmark: theme matching against hand-labelled real texts, precision and recall per theme.

Labels: tests/fixtures/themes_wsb_labels.yaml (152 r/wallstreetbets texts) and
tests/fixtures/themes_labels.yaml (460 BBC business titles, GDELT TSLA headlines and more
r/wallstreetbets texts); their headers say how they were sampled and labelled. Texts are read
from ../shared/data by id and checked against each label's snippet. Prints JSON: per theme and
per source, labelled / matched / true positives, precision and recall; the misses and false
matches by id; and, over every r/wallstreetbets text, how many items carry two themes and what
the theme weights (attention.themes) make of them: matched theme tags vs their weighted sum.

    python benchmarks/theme_precision.py [--data ../shared/data] [--config config.yaml]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

from attention.config import load_config
from attention.sentiment.corpora import CorpusMissingError, read_csv_titles, read_wsb_texts
from attention.themes import ThemeMatcher

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
LABEL_FILES = ("themes_wsb_labels.yaml", "themes_labels.yaml")


def labelled_texts(data: Path) -> list[tuple[str, str, set[str]]]:
    """(id, text, expected themes) for every label, the text checked against its snippet."""
    wsb = dict(read_wsb_texts(data / "reddit_wsb_posts"))
    titles = {
        "bbc": read_csv_titles(data / "bbc_business_rss_items_2022-2024" / "bbc_business_rss_items.csv"),
        "gdelt": read_csv_titles(data / "tsla_gdelt_news_prices_2022-2024" / "TSLA_news.csv"),
    }
    out = []
    for name in LABEL_FILES:
        for row in yaml.safe_load((REPO / "tests" / "fixtures" / name).read_text(encoding="utf-8")):
            source, _, index = row["id"].partition(":")
            text = titles[source][int(index)] if source in titles else wsb[row["id"]]
            if " ".join(text.split())[:70] != row["snippet"]:
                raise CorpusMissingError(f"{name}: {row['id']}: the text no longer matches its snippet")
            out.append((row["id"], text, set(row["expected"])))
    return out


def source_of(item_id: str) -> str:
    return item_id.partition(":")[0] if item_id.startswith(("bbc:", "gdelt:")) else "wsb"


def scores(rows: list[tuple[str, str, set[str]]], matcher: ThemeMatcher, themes: list[str]) -> dict:
    counts: Counter[tuple[str, str]] = Counter()
    errors: dict[str, dict[str, list[str]]] = {t: {"false_matches": [], "misses": []} for t in themes}
    for item_id, text, expected in rows:
        found = matcher.match(text)
        for theme in themes:
            hit, want = theme in found, theme in expected
            counts[theme, "labelled"] += want
            counts[theme, "matched"] += hit
            counts[theme, "true_positives"] += hit and want
            if hit and not want:
                errors[theme]["false_matches"].append(item_id)
            elif want and not hit:
                errors[theme]["misses"].append(item_id)
    out = {}
    for theme in themes:
        tp, matched, labelled = (counts[theme, k] for k in ("true_positives", "matched", "labelled"))
        out[theme] = {
            "labelled": labelled,
            "matched": matched,
            "true_positives": tp,
            "precision": round(tp / matched, 3) if matched else None,
            "recall": round(tp / labelled, 3) if labelled else None,
        }
    return {"per_theme": out, "errors": errors}


def weight_effect(data: Path, matcher: ThemeMatcher) -> dict:
    texts = [text for _, text in read_wsb_texts(data / "reddit_wsb_posts")]
    weights = [matcher.weights(t) for t in texts]
    tagged = [w for w in weights if w]
    return {
        "wsb_texts": len(texts),
        "with_a_theme": len(tagged),
        "with_two_or_more_themes": sum(len(w) >= 2 for w in tagged),
        "theme_tags": sum(len(w) for w in tagged),
        "weighted_theme_sum": round(sum(sum(w.values()) for w in tagged), 1),
        "split_items": sum(any(v < 1 for v in w.values()) for w in tagged),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--config", type=Path, default=REPO / "config.yaml")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    matcher, themes = ThemeMatcher(config.themes), sorted(config.themes)
    try:
        rows = labelled_texts(args.data)
        effect = weight_effect(args.data, matcher)
    except CorpusMissingError as exc:
        print(f"theme_precision: {exc}. Pass --data PATH to the shared data folder.", file=sys.stderr)
        return 2
    report = {"texts": len(rows), "by_source": dict(Counter(source_of(r[0]) for r in rows))}
    report.update(scores(rows, matcher, themes))
    report["per_source"] = {
        source: scores([r for r in rows if source_of(r[0]) == source], matcher, themes)["per_theme"]
        for source in ("wsb", "bbc", "gdelt")
    }
    report["weights_on_all_wsb_texts"] = effect
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
