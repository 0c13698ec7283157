"""Export tables of data quality: what each source watched (coverage) and what the input checks
flagged, so that a reader of the exports can tell a missing period from a zero and knows which
inputs were corrected or distrusted."""

from __future__ import annotations

import pandas as pd

from attention.config import Config
from attention.report.tables import Column, ExportOptions, TableSpec
from attention.store import Store


def _coverage(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    return store.coverage_spans()


def _flags(store: Store, config: Config, options: ExportOptions) -> pd.DataFrame:
    return store.data_flags()


COVERAGE = TableSpec(
    "coverage",
    "What each collection, import and backfill watched: outside every span of a unit, nothing "
    "was observed (a missing value, never a zero).",
    (
        Column("source", "string", "reddit, news, ..."),
        Column("unit_kind", "string", "subreddit, query (a theme's search), feed, file, ..."),
        Column("unit", "string", "the unit watched"),
        Column("span_start", "timestamp", "start of the span (UTC, inclusive)"),
        Column("span_end", "timestamp", "end of the span (UTC, exclusive)"),
        Column("origin", "string", "collect, import or backfill"),
        Column("items", "int", "records the span yielded, when counted"),
    ),
    _coverage,
)

DATA_FLAGS = TableSpec(
    "data_flags",
    "What the input checks found: step series, frozen feeds, missing sessions, partial bars, "
    "holiday-dated records, thin baskets, a benchmark equal to a proxy.",
    (
        Column("check_name", "string", "the check"),
        Column("subject", "string", "the input: ticker, search term or theme"),
        Column("detail", "string", "what was found and what was done about it"),
        Column("first_date", "date", "first date concerned"),
        Column("last_date", "date", "last date concerned"),
        Column("severity", "string", "info, warning or error"),
        Column("detected_at", "timestamp", "when the checks ran (UTC)"),
    ),
    _flags,
)

QUALITY_TABLES = (COVERAGE, DATA_FLAGS)
