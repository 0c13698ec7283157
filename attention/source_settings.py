"""The ``sources:`` section of the config, one settings class per source (prices, flows, Google
Trends and its official API, Reddit with Arctic Shift and the Atom feeds, news, Wikipedia page
views), kept out of :mod:`attention.config` so that module stays small; it re-exports them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArcticShiftSettings(_Strict):
    """Keyword search within the configured subreddits, plus daily per-subreddit totals."""

    url: str = "https://arctic-shift.photon-reddit.com"
    lookback_days: int = Field(7, ge=1, le=365)  # the first run reads this far back
    # Arctic Shift re-fetches an item about 36 hours after it was posted; until then score and
    # num_comments read 0 or 1. Every run re-reads this much before its last window's end.
    settle_hours: float = Field(36.0, ge=0)
    comments: bool = True  # also search comment bodies (one more request per query and page)
    denominators: bool = True  # daily post/comment totals per subreddit (mention share)
    min_interval: float = Field(0.5, ge=0)  # "a couple of requests per second" is fine


class AtomSettings(_Strict):
    """Reddit's Atom feeds that still answer without keys (25 entries, no scores)."""

    listings: list[Literal["new", "hot", "top_week"]] = ["new", "top_week"]
    comment_threads: int = Field(5, ge=0)  # /comments/{id}/.rss of this many recent posts
    min_interval: float = Field(6.0, ge=0)  # about 10 requests a minute per address


class WikipediaSettings(_Strict):
    """Daily page views per article (articles per theme: ``themes.<key>.wikipedia_articles``)."""

    enabled: bool = False  # on in the shipped config.yaml; off here so old configs keep working
    url: str = "https://wikimedia.org/api/rest_v1"
    api_url: str = "https://en.wikipedia.org/w/api.php"  # redirect/rename resolution
    project: str = "en.wikipedia"
    access: Literal["all-access", "desktop", "mobile-app", "mobile-web"] = "all-access"
    agent: Literal["user", "all-agents", "automated"] = "user"
    # Wikimedia rejects generic agents: say who runs this and how to reach them.
    user_agent: str = (
        "attention/0.1 (https://github.com/attention-project/attention; set sources.wikipedia.user_agent)"
    )
    contact: str = ""  # an e-mail or URL, appended to the user agent
    budget: int = Field(200, ge=0)
    timeout: float = Field(20.0, gt=0)
    min_interval: float = Field(0.2, ge=0)

    @field_validator("contact")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError("contact must be one line (an e-mail address or a URL)")
        return value.strip()

    @model_validator(mode="after")
    def _says_who(self) -> WikipediaSettings:
        # Wikimedia's policy: a descriptive agent with a way to reach the operator.
        text = f"{self.user_agent} {self.contact}"
        if not self.user_agent.strip() or not ("@" in text or "http" in text):
            raise ValueError(
                "Wikimedia rejects generic user agents: give user_agent a project URL or set "
                "contact to your e-mail address or URL"
            )
        return self

    def agent_string(self) -> str:
        return f"{self.user_agent} contact: {self.contact}" if self.contact else self.user_agent


class OfficialTrendsSettings(_Strict):
    """Google's Trends API (alpha, allow-listed testers). Credentials: the environment only
    (ATTENTION_TRENDS_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS, a service-account or
    authorized-user JSON file)."""

    url: str = "https://searchtrends.googleapis.com"
    # Where OAuth tokens are refreshed (google-auth always uses Google's endpoint for user
    # credentials; a different value here reroutes it, e.g. to a local replica).
    oauth_url: str = "https://oauth2.googleapis.com"
    resolution: Literal["DAY", "WEEK", "MONTH"] = "WEEK"
    window_days: int = Field(1800, ge=7, le=1800)  # the API serves about 1,800 days
    poll_interval: float = Field(2.0, ge=0)
    max_polls: int = Field(30, ge=1)
    quota_project: str | None = None  # X-Goog-User-Project, needed with service accounts


def trends_window(run_date: dt.date, window_days: int) -> tuple[dt.date, dt.date]:
    """The official API's rolling window: about ``window_days`` ending 2 days before the run."""
    end = run_date - dt.timedelta(days=2)
    return end - dt.timedelta(days=window_days - 1), end


class SourceSettings(_Strict):
    enabled: bool = True
    budget: int = Field(100, ge=0)
    timeout: float = Field(20.0, gt=0)


class PricesSettings(SourceSettings):
    provider: Literal["yahoo", "stooq"] = "yahoo"
    fallback: Literal["yahoo", "stooq"] | None = "stooq"
    yahoo_url: str = "https://query2.finance.yahoo.com"
    stooq_url: str = "https://stooq.com"
    extra_tickers: list[str] = ["QQQ"]


class FlowsSettings(_Strict):
    enabled: bool = True
    stale_after_days: int = Field(5, ge=1)


class TrendsSettings(SourceSettings):
    base_url: str = "https://trends.google.com"
    geo: str = "US"
    anchor_terms: list[str] = ["stock market", "stocks", "Apple stock", "S&P 500", "recession"]
    budget: int = Field(40, ge=0)
    min_interval: float = Field(5.0, ge=0)
    timeout: float = 30.0
    # After a 429, send nothing for this long (Google's blocks last hours; 0 = retry next run).
    cooldown_hours: float = Field(6.0, ge=0)
    backend: Literal["pytrends", "official", "auto"] = "pytrends"  # auto: official with credentials
    official: OfficialTrendsSettings = OfficialTrendsSettings()


class RedditSettings(SourceSettings):
    mode: Literal["auto", "api", "keyless", "feeds"] = "auto"
    oauth_url: str = "https://oauth.reddit.com"
    reddit_url: str = "https://www.reddit.com"
    public_url: str = "https://www.reddit.com"
    posts_per_query: int = Field(100, ge=1, le=1000)
    comment_depth: int = Field(3, ge=0)
    comment_limit: int = Field(200, ge=0)
    more_comments_budget: int = Field(20, ge=0)
    budget: int = Field(300, ge=0)
    store_author_names: bool = False
    arctic_shift: ArcticShiftSettings = ArcticShiftSettings()
    atom: AtomSettings = AtomSettings()


class GdeltSettings(_Strict):
    enabled: bool = False
    url: str = "https://api.gdeltproject.org"
    min_interval: float = Field(5.0, ge=0)


class NewsSettings(SourceSettings):
    google_news_url: str = "https://news.google.com"
    yahoo_rss_url: str = "https://feeds.finance.yahoo.com"
    feeds: list[str] = []
    dedupe_window_hours: float = Field(48, gt=0)
    budget: int = Field(60, ge=0)
    gdelt: GdeltSettings = GdeltSettings()


class Sources(_Strict):
    prices: PricesSettings = PricesSettings()
    flows: FlowsSettings = FlowsSettings()
    google_trends: TrendsSettings = TrendsSettings()
    reddit: RedditSettings = RedditSettings()
    news: NewsSettings = NewsSettings()
    wikipedia: WikipediaSettings = WikipediaSettings()

    def enabled_names(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name).enabled]
