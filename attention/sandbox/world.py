"""A simulated world behind every replica: prices, ETF shares, search interest, posts, headlines.

Everything is a deterministic function of the seed, so a replica can answer any request on
demand and a test can compare what the pipeline reconstructed with the hidden truth. Themes are
driven by :func:`attention.analysis.simulate.simulate_loop` at weekly frequency (the frequency the
feedback tests use), spread over the week's sessions: themes listed in ``loop_themes`` get the
planted attention -> flows -> returns -> attention loop, the others the null world.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from attention.analysis.simulate import LoopParams, simulate_loop
from attention.calendar import sessions_and_closes
from attention.config import Config

BENCHMARK_DRIFT, BENCHMARK_VOL = 0.0004, 0.009
ANCHOR_LEVELS = {
    "stock market": 100.0,
    "stocks": 60.0,
    "Apple stock": 12.0,
    "S&P 500": 30.0,
    "recession": 8.0,
}


def stable_seed(*parts: object) -> int:
    """A seed from names, stable across processes (unlike hash())."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass(frozen=True)
class SimText:
    """A post, comment or headline in the world (replicas render it in their own format)."""

    item_id: str
    kind: str  # post | comment | headline
    theme: str | None
    created_utc: dt.datetime
    title: str
    body: str
    author: str
    container: str  # subreddit or outlet
    score: int
    parent_id: str | None = None
    num_comments: int = 0
    mood: float = 0.0  # the writer's tone (world_words.side: > 0.25 upbeat, < -0.25 downbeat)


@dataclass
class World:
    config: Config
    start: dt.date
    end: dt.date
    seed: int = 0
    loop_themes: tuple[str, ...] = ("small_caps",)
    term_weights: dict[str, float] = field(default_factory=dict)
    # How strongly the volume of posts and headlines follows a theme's attention: the expected
    # count is base * (attention / its mean) ** attention_swing. Attention moves about +-20%
    # (log s.d. ~0.2), which a few posts a day cannot show through Poisson noise; the swing
    # makes text counts carry it (as real mention counts swing far more than search interest).
    attention_swing: float = 3.0

    # -- the driving series ------------------------------------------------------------------
    @cached_property
    def sessions(self) -> pd.DatetimeIndex:
        """NYSE sessions (holidays excluded, as the real services do)."""
        sessions, _ = sessions_and_closes(self.start, self.end)
        mask = (sessions >= pd.Timestamp(self.start)) & (sessions <= pd.Timestamp(self.end))
        return pd.DatetimeIndex(sessions[mask].tz_localize(None) if sessions.tz else sessions[mask])

    @cached_property
    def calendar_days(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="D")

    @cached_property
    def benchmark_returns(self) -> pd.Series:
        rng = np.random.default_rng(stable_seed(self.seed, "benchmark"))
        values = rng.normal(BENCHMARK_DRIFT, BENCHMARK_VOL, len(self.sessions))
        return pd.Series(values, index=self.sessions)

    def theme_state(self, theme: str) -> pd.DataFrame:
        """Daily attention (level), flow and excess return of a theme over the sessions."""
        return self._theme_states[theme]

    @cached_property
    def _theme_states(self) -> dict[str, pd.DataFrame]:
        """Weekly loop dynamics (the frequency the analysis tests), spread over the sessions."""
        week_ends = self.sessions + pd.to_timedelta((4 - self.sessions.day_of_week) % 7, unit="D")
        weeks = week_ends.unique()
        states = {}
        for name in self.config.themes:
            params = LoopParams.planted() if name in self.loop_themes else LoopParams.null()
            weekly = simulate_loop(
                len(weeks), params, seed=stable_seed(self.seed, name), freq="W", start=weeks[0]
            )
            weekly.index = weeks
            states[name] = self._spread(weekly, week_ends, stable_seed(self.seed, name, "days"))
        return states

    def _spread(self, weekly: pd.DataFrame, week_ends: pd.DatetimeIndex, seed: int) -> pd.DataFrame:
        """Daily values whose weekly sums equal the weekly ones: an even share plus zero-sum noise."""
        rng = np.random.default_rng(seed)
        frame = weekly.reindex(week_ends).set_axis(self.sessions)
        per_week = pd.Series(1, index=self.sessions).groupby(week_ends).transform("size").to_numpy()

        def zero_sum_noise(scale: float) -> np.ndarray:
            noise = pd.Series(rng.normal(0, scale, len(self.sessions)), index=self.sessions)
            return (noise - noise.groupby(week_ends).transform("mean")).to_numpy()

        daily = pd.DataFrame(index=self.sessions)
        daily["attention"] = frame["attention"] * np.exp(rng.normal(0, 0.03, len(self.sessions)))
        daily["flow"] = frame["flow"] / per_week + zero_sum_noise(frame["flow"].std() / 10)
        daily["excess_return"] = frame["excess_return"] / per_week + zero_sum_noise(0.004)
        return daily

    def theme_return(self, theme: str) -> pd.Series:
        return self.benchmark_returns + self.theme_state(theme)["excess_return"]

    # -- prices --------------------------------------------------------------------------------
    def ticker_returns(self, ticker: str) -> pd.Series:
        if ticker == self.config.benchmark:
            return self.benchmark_returns
        owners = [n for n, t in self.config.themes.items() if ticker in t.proxy.members]
        rng = np.random.default_rng(stable_seed(self.seed, "ticker", ticker))
        if not owners:  # an index we do not model (e.g. QQQ): benchmark plus its own noise
            return self.benchmark_returns * 1.1 + rng.normal(0, 0.004, len(self.sessions))
        base = self.theme_return(owners[0])
        theme = self.config.themes[owners[0]]
        if theme.proxy.etf == ticker:
            return base
        # Basket members: the theme plus zero-mean idiosyncratic noise that cancels on average.
        return base + rng.normal(0, 0.006, len(self.sessions))

    def prices(self, ticker: str) -> pd.DataFrame:
        """Daily OHLCV with adj_close = close (no dividends in this world)."""
        returns = self.ticker_returns(ticker)
        rng = np.random.default_rng(stable_seed(self.seed, "ohlc", ticker))
        start_price = 50 + stable_seed(ticker) % 400
        close = start_price * np.cumprod(1 + returns.to_numpy())
        spread = np.abs(rng.normal(0, 0.004, len(close)))
        open_ = close / (1 + returns.to_numpy()) * (1 + rng.normal(0, 0.002, len(close)))
        high = np.maximum(open_, close) * (1 + spread)
        low = np.minimum(open_, close) * (1 - spread)
        volume = self._volume(ticker, rng)
        frame = pd.DataFrame(
            {"open": open_, "high": high, "low": low, "close": close, "adj_close": close, "volume": volume},
            index=self.sessions,
        )
        return frame.round({"open": 4, "high": 4, "low": 4, "close": 4, "adj_close": 4})

    def _volume(self, ticker: str, rng: np.random.Generator) -> np.ndarray:
        base = 2e6 + stable_seed("volume", ticker) % 3e7
        owners = [n for n, t in self.config.themes.items() if ticker in t.proxy.members]
        boost = np.zeros(len(self.sessions))
        if owners:  # attention shows up in trading volume
            attention = self.theme_state(owners[0])["attention"].to_numpy()
            boost = 0.4 * (attention / attention.mean() - 1)
        return np.round(base * np.exp(boost + rng.normal(0, 0.15, len(self.sessions))))

    def shares_outstanding(self, ticker: str) -> pd.Series:
        """ETF shares outstanding: yesterday's shares plus today's flow at today's price."""
        owners = [n for n, t in self.config.themes.items() if t.proxy.etf == ticker]
        close = self.prices(ticker)["close"]
        shares0 = 1e8 + stable_seed("shares", ticker) % 1e8
        if not owners:
            return pd.Series(shares0, index=self.sessions)
        flow = self.theme_state(owners[0])["flow"]
        return (shares0 + (flow / close).cumsum()).round()

    # -- search interest -----------------------------------------------------------------------
    def search_truth(self, term: str) -> pd.Series:
        """The hidden true daily search interest of a term (any positive scale)."""
        rng = np.random.default_rng(stable_seed(self.seed, "search", term))
        days = self.calendar_days
        weekday_factor = np.where(days.day_of_week >= 5, 0.75, 1.0)
        owner = next((n for n, t in self.config.themes.items() if term in t.search_terms), None)
        if owner is not None:
            theme = self.config.themes[owner]
            rank = theme.search_terms.index(term)
            weight = self.term_weights.get(term, [1.0, 0.45, 0.12, 0.05][min(rank, 3)])
            attention = self.theme_state(owner)["attention"].reindex(days).ffill().bfill()
            level = 20.0 * weight * attention.to_numpy() / attention.mean()
        else:
            level = np.full(len(days), ANCHOR_LEVELS.get(term, 1.0 + stable_seed(term) % 20))
        noise = np.exp(rng.normal(0, 0.05, len(days)))
        return pd.Series(level * weekday_factor * noise, index=days)
