"""Re-score and re-match stored text items after the lexicon or the themes change.

Every stored score carries the lexicon version that produced it (``vader-3.3.2``, ``finance-2``).
When the version in use changes (an upgrade bumps the finance overlay, or the config switches
lexicon) the store would otherwise mix old and new scores in one series, a level shift at the
upgrade date that looks like a change of mood. ``rescore`` brings every stale item to the current
version and gives theme-matched items stored without theme weights (before weights existed, or
by an import that dropped them) the weight of each stored theme; with ``themes=True`` it also
re-matches every item against the configured themes (a theme added to config.yaml gets its
history from what is already stored).

Work goes in batches keyed on (source, item_id), one transaction each, so memory stays bounded
and an interrupted rescore loses nothing: the next one picks up the items still stale. The
``theme_daily`` aggregates (written by backfills) are refreshed for the days touched, with the
same crash-safe "pending days" cursor the backfill uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from attention.config import Config
from attention.derive.aggregate import utc_day
from attention.derive.theme_daily import load_pending, pending_cursor, refresh_theme_daily, widen
from attention.scoring import scorer_for
from attention.sentiment.scorer import COLUMNS
from attention.store import Store
from attention.themes import get_matcher
from collectors.core.records import CursorUpdate, item_text

CURSOR_SOURCE = "rescore"
BATCH_SIZE = 20_000
_SENTIMENT = [*COLUMNS, "lexicon_version"]
_WEIGHTS = pd.ArrowDtype(pa.list_(pa.float64()))


@dataclass
class RescoreResult:
    """What a rescore changed; ``stale_before`` counts stale items by their old version."""

    version: str
    stale_before: dict[str, int] = field(default_factory=dict)
    examined: int = 0
    rescored: int = 0
    themes_changed: int = 0
    weights_filled: int = 0
    batches: int = 0
    aggregate_rows: int = 0

    def summary(self) -> str:
        before = ", ".join(f"{k}: {v:,}" for k, v in self.stale_before.items()) or "none"
        return (
            f"rescore to {self.version}: {self.rescored:,} items re-scored, "
            f"{self.themes_changed:,} with changed themes, {self.weights_filled:,} given theme weights, "
            f"{self.examined:,} examined in "
            f"{self.batches} batches (stale before: {before})"
        )


def stale_versions(store: Store, version: str) -> dict[str, int]:
    """Scoreable items not scored with ``version``, counted by the version they carry."""
    return store.stale_score_counts(version)


def stale_hint(store: Store, version: str) -> str | None:
    """What `attention run` and `attention status` say while the store needs a rescore."""
    stale = stale_versions(store, version)
    if stale:
        counts = ", ".join(f"{n:,} with {v}" for v, n in stale.items())
        return (
            f"stored items scored with another lexicon ({counts}; in use: {version}) mix "
            "two scales in one series; run `attention rescore`"
        )
    unweighted = store.unweighted_theme_items()
    if unweighted:
        return (
            f"{unweighted:,} stored items have themes but no theme weights (share-of-attention "
            "figures count them whole in every theme); run `attention rescore`"
        )
    if load_pending(store, CURSOR_SOURCE) is not None:
        return (
            "an interrupted rescore left per-day aggregates (theme_daily) to refresh; run `attention rescore`"
        )
    return None


def rescore(
    store: Store,
    config: Config,
    *,
    themes: bool = False,
    everything: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[RescoreResult], None] | None = None,
) -> RescoreResult:
    """Bring stored items to the current lexicon (and themes); see the module docstring.

    ``everything`` re-scores items already on the current version too (after editing a custom
    lexicon file without bumping its version).
    """
    scorer = scorer_for(config)
    result = RescoreResult(scorer.version, stale_versions(store, scorer.version))
    matcher = get_matcher(config.themes)
    pending = load_pending(store, CURSOR_SOURCE)
    after: tuple[str, str] = ("", "")
    while True:
        rows = _next_batch(store, scorer.version, after, batch_size, all_items=themes or everything)
        if rows.empty:
            break
        after = (rows["source"].iloc[-1], rows["item_id"].iloc[-1])
        update = _rescored(rows, scorer, matcher, everything, result, rematch=themes)
        result.examined += len(rows)
        result.batches += 1
        if not update.empty:
            pending = widen(pending, _days(update))
            _commit(store, update, pending)
        if progress:
            progress(result)
    if pending is not None:
        first, last = (dt.date.fromisoformat(d) for d in pending)
        if store.count("theme_daily"):
            result.aggregate_rows = refresh_theme_daily(store, first, last)
        with store.transaction():
            store.upsert_records(CursorUpdate, [pending_cursor(CURSOR_SOURCE, None)])
    return result


def _next_batch(
    store: Store, version: str, after: tuple[str, str], size: int, *, all_items: bool
) -> pd.DataFrame:
    """The next ``size`` items after ``after`` (keyset paging): all, or only the stale ones."""
    return store.items_to_rescore(version, after, size, all_items=all_items)


def _rescored(
    rows: pd.DataFrame, scorer: Any, matcher: Any, everything: bool, result: RescoreResult, *, rematch: bool
) -> pd.DataFrame:
    """The rows whose sentiment, themes or theme weights change, with the new values."""
    texts = [item_text(t, b) for t, b in zip(rows["title"], rows["body"], strict=True)]
    scoreable = rows["scoreable"].fillna(True).astype(bool)
    needs_score = scoreable & (
        everything | (rows["lexicon_version"] != scorer.version) | rows["lexicon_version"].isna()
    )
    out = rows.copy()
    todo = [t for t, flag in zip(texts, needs_score, strict=True) if flag]
    unique = list(dict.fromkeys(todo))  # reposts and cross-posted headlines repeat
    if unique:
        values = scorer.score(unique)[COLUMNS].to_numpy()
        # Positions, not a text-labelled index: looking up long texts by label is slow.
        position = {text: i for i, text in enumerate(unique)}
        out.loc[needs_score, COLUMNS] = values[[position[t] for t in todo]]
        out.loc[needs_score, "lexicon_version"] = scorer.version
    changed = needs_score.copy()
    result.rescored += int(needs_score.sum())
    keep = ["source", "item_id", "kind", "created_utc", *_SENTIMENT]
    if not rematch:
        filled = _filled_weights(rows, texts, matcher)
        if filled is not None:
            lacked = rows["theme_weights"].map(_as_list).map(len) != filled.map(len)
            out["theme_weights"] = _typed(filled)
            result.weights_filled += int(lacked.sum())
            changed |= lacked
            keep += ["theme_weights"]
    else:
        weights = [matcher.weights(t) for t in texts]
        new = [tuple(w) for w in weights]
        old = [
            tuple(sorted(v)) if isinstance(v, (list, tuple, np.ndarray)) else () for v in rows["themes"]
        ]  # a NULL list comes back as NA
        moved = pd.Series([a != b for a, b in zip(new, old, strict=True)], index=rows.index)
        out["themes"] = [list(t) for t in new]
        out["theme_weights"] = _typed(pd.Series([list(w.values()) for w in weights], index=rows.index))
        result.themes_changed += int(moved.sum())
        lacked = rows["theme_weights"].map(_as_list).map(len) != out["themes"].map(len)
        changed |= moved | lacked | rows["theme_weights"].isna()
        keep += ["themes", "theme_weights"]
    return out.loc[changed, keep]


def _typed(weights: pd.Series) -> pd.Series:
    """A list<double> column: DuckDB would guess the type of a column of empty lists wrongly."""
    return pd.Series(pd.array(weights.tolist(), dtype=_WEIGHTS), index=weights.index)


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple, np.ndarray)) else []  # NULL comes back as NA


def _filled_weights(rows: pd.DataFrame, texts: list[str], matcher: Any) -> pd.Series | None:
    """Each row's theme weights, computed for its stored themes where it has none (a stored theme
    the matcher no longer finds keeps a whole mention, 1.0); None when no row lacks them."""
    themes = rows["themes"].map(_as_list)
    stored = rows["theme_weights"].map(_as_list)
    lacking = (themes.map(len) > 0) & (themes.map(len) != stored.map(len))
    if not lacking.any():
        return None
    filled = stored.copy()
    for position in np.flatnonzero(lacking.to_numpy()):
        weights = matcher.weights(texts[position])
        filled.iat[position] = [weights.get(t, 1.0) for t in themes.iat[position]]
    return filled


def _days(update: pd.DataFrame) -> tuple[str, str]:
    days = utc_day(update["created_utc"])
    return min(days).isoformat(), max(days).isoformat()


def _commit(store: Store, update: pd.DataFrame, pending: tuple[str, str] | None) -> None:
    """New values (only the columns in ``update``) and the widened pending-days range, in one
    transaction."""
    with store.transaction():
        store.update_items(update)
        store.upsert_records(CursorUpdate, [pending_cursor(CURSOR_SOURCE, pending)])
