"""Derivation: stitch every stored raw Google Trends response into ``search_series``.

Runs after collection (registered in :mod:`attention.derive`), and after
``attention import trends-csv`` (:mod:`attention.imports.trends_csv`). It reads the raw values
in ``search_interest`` (API responses and imported files alike), drops responses that a later
fetch of the same terms covers (a refetch replaces partial periods), puts the rest on one scale
with :func:`collectors.google_trends.stitch.stitch`, and upserts the daily and weekly series.
Re-running it is harmless: the same inputs give the same rows.
"""

from __future__ import annotations

import logging

import pandas as pd

from attention.config import Config
from attention.store import Store
from collectors.google_trends.stitch import METHOD as STITCH_METHOD
from collectors.google_trends.stitch import Response, StitchResult, stitch, supersede

log = logging.getLogger("attention.trends")


def load_responses(store: Store, geo: str) -> list[Response]:
    """The current (not superseded) stored responses for ``geo``."""
    meta = store.search_response_summaries(geo)
    if meta.empty:
        return []
    meta = meta.rename(columns={"end_": "end"})
    meta["terms"] = [tuple(str(t) for t in terms) for terms in meta["terms"]]
    keep = supersede(meta)
    values = store.search_values(geo, keep)
    info = meta.set_index("request_id")
    out = []
    for rid, rows in values.groupby("request_id", sort=False):
        rows = rows.assign(period_start=pd.to_datetime(rows["period_start"]))
        table = rows.pivot_table(
            index="period_start", columns="term", values="value", aggfunc="last"
        ).sort_index()
        table.columns.name = None
        partial = rows.groupby("period_start")["is_partial"].any().reindex(table.index)
        row = info.loc[rid]
        anchor = row["anchor"] if isinstance(row["anchor"], str) else None
        fetched = pd.Timestamp(row["fetched_on"]).date() if pd.notna(row["fetched_on"]) else None
        out.append(
            Response(
                str(rid),
                str(row["granularity"]),
                table.astype(float),
                partial.fillna(False).astype(bool),
                anchor,
                fetched,
                "import" if str(rid).startswith("import-") else "api",
            )
        )
    return out


def stitch_store(store: Store, config: Config) -> StitchResult:
    settings = config.sources.google_trends
    anchors = list(settings.anchor_terms)
    return stitch(load_responses(store, settings.geo), anchors[0] if anchors else None)


def derive_search_series(store: Store, config: Config) -> int:
    """Rebuild ``search_series`` from the stored raw responses; returns rows written."""
    result = stitch_store(store, config)
    log.info("google trends stitch: %s", result.summary())
    return write_series(store, result)


def write_series(store: Store, result: StitchResult) -> int:
    frame = result.series
    if frame.empty:
        return 0
    frame = frame.assign(computed_at=pd.Timestamp.now(tz="UTC"))
    # Rows of this method are rebuilt whole: a re-scaled stitch must not leave old rows.
    store.replace_search_series(STITCH_METHOD, frame)
    return len(frame)
