"""Reads of the keyless sources' daily counts (issue 17): Wikipedia page views per article and
Arctic Shift's posts/comments per subreddit, for the panel. Written through
:meth:`StoreCore.write` with :mod:`collectors.core.volumes` records; read-only here."""

from __future__ import annotations

import pandas as pd

from attention.store.core import StoreCore


class VolumesMixin(StoreCore):
    """Reads of ``page_views`` and ``subreddit_volume``."""

    def panel_page_views(self) -> pd.DataFrame:
        """Daily views of every stored article: ``article, day, views``, by article and day."""
        return self._frame("SELECT article, day, views FROM page_views ORDER BY article, day")

    def panel_subreddit_volume(self, metric: str = "comments") -> pd.DataFrame:
        """Daily totals of one metric (``posts`` | ``comments``) per subreddit (lower case):
        ``subreddit, day, value``."""
        return self._frame(
            "SELECT subreddit, day, value FROM subreddit_volume WHERE metric = ? ORDER BY subreddit, day",
            [metric],
        )
