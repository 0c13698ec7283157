"""What the panel builder (:mod:`attention.panel.build`) reads: long-format rows of prices,
flows, theme mentions and stitched search interest. Read-only; safe on a read-only store."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from attention.store.core import StoreCore

# Text sources whose theme mentions enter the panel.
MENTION_SOURCES = ("reddit", "news")


def _marks(values: Sequence[object]) -> str:
    """``?, ?, ?``: one placeholder per value (the values go in as parameters)."""
    return ", ".join("?" * len(values))


class PanelInputsMixin(StoreCore):
    """The panel's four inputs, one method each."""

    def panel_prices(self, tickers: Sequence[str]) -> pd.DataFrame:
        """Daily bars of ``tickers``: ``ticker, date, close, adj_close, volume``, by ticker and date.
        A bar flagged partial (read before its session closed) is left out until a final one replaces it."""
        return self._frame(
            f"SELECT ticker, date, close, adj_close, volume FROM prices "
            f"WHERE ticker IN ({_marks(tickers)}) AND NOT coalesce(is_partial, FALSE) ORDER BY ticker, date",
            list(tickers),
        )

    def panel_flows(self, tickers: Sequence[str]) -> pd.DataFrame:
        """ETF flows of ``tickers``: ``ticker, date, method, flow_usd, stale``."""
        return self._frame(
            f"SELECT ticker, date, method, flow_usd, stale FROM flows WHERE ticker IN ({_marks(tickers)})",
            list(tickers),
        )

    def theme_mentions(self) -> pd.DataFrame:
        """One row per Reddit or news item and theme it matched:
        ``source, item_id, created_utc, theme, weight, compound, scoreable``; ``weight`` is the
        item's weight for that theme (NULL for an item stored without theme weights)."""
        return self._frame(
            "SELECT source, item_id, created_utc, theme, "
            "CASE WHEN len(theme_weights) = len(themes) THEN weight END AS weight, compound, scoreable "
            "FROM (SELECT source, item_id, created_utc, themes, theme_weights, unnest(themes) AS theme, "
            "unnest(coalesce(theme_weights, [])) AS weight, compound, scoreable "
            f"FROM items WHERE source IN ({_marks(MENTION_SOURCES)}) AND len(themes) > 0) "
            "WHERE theme IS NOT NULL",
            list(MENTION_SOURCES),
        )

    def panel_external(self, names: Sequence[str]) -> pd.DataFrame:
        """Imported series ``names``: ``name, date, value, kind, price_derived``, by name and date."""
        return self._frame(
            f"SELECT name, date, value, kind, price_derived FROM external_series "
            f"WHERE name IN ({_marks(names)}) ORDER BY name, date",
            list(names),
        )

    def panel_search(self, terms: Sequence[str]) -> pd.DataFrame:
        """Stitched search interest of ``terms``: ``term, date, granularity, value, is_partial``."""
        return self._frame(
            f"SELECT term, date, granularity, value, is_partial FROM "
            f"search_series WHERE term IN ({_marks(terms)})",
            list(terms),
        )
