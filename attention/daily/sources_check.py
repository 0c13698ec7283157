"""``attention sources check``: one cheap request per enabled source, classified by what the user
should do next: reachable / blocked (429, 403, a soft block: HTTP 200 with an empty body) /
needs credentials / DNS failure / TLS failure / unreachable / failing (5xx).

Every probe is ONE attempt with a short timeout and no retry: a DNS or TLS failure does not
heal in seconds, and a retry ladder against a rate limit deepens the block (DESIGN.md 5).
Probes send no secrets and spend nothing from the sources' run budgets.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from attention.config import Config, Secrets
from collectors.core.blocks import causes

TIMEOUT = 10.0
STATUSES = (
    "reachable",
    "blocked",
    "needs credentials",
    "DNS failure",
    "TLS failure",
    "unreachable",
    "failing",
)


@dataclass(frozen=True)
class Probe:
    source: str
    method: str
    url: str
    params: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    advice: str = ""  # what to do when it is blocked
    also_fine: tuple[int, ...] = ()  # statuses that still show the service answering (a 404 probe)


@dataclass(frozen=True)
class CheckResult:
    source: str
    endpoint: str  # scheme://host/path, never the query (queries can carry tokens)
    status: str  # one of STATUSES, or "skipped"
    detail: str
    next_step: str

    @property
    def ok(self) -> bool:
        return self.status in ("reachable", "skipped")


def check_sources(
    config: Config, secrets: Secrets, session: requests.Session | None = None, only: list[str] | None = None
) -> list[CheckResult]:
    """Probe every enabled source (or ``only`` these) once; the results in config order."""
    http = session or requests.Session()
    results: list[CheckResult] = []
    for source, probe_or_result in _probes(config, secrets):
        if only and source not in only:
            continue
        if isinstance(probe_or_result, CheckResult):
            results.append(probe_or_result)
        else:
            results.append(run_probe(http, probe_or_result))
    return results


def run_probe(http: requests.Session, probe: Probe) -> CheckResult:
    endpoint = probe.url.split("?", 1)[0]
    try:
        response = http.request(
            probe.method,
            probe.url,
            params=probe.params,
            headers=probe.headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        status, detail, step = classify_exception(exc)
        return CheckResult(probe.source, endpoint, status, detail, step)
    if response.status_code in probe.also_fine:
        detail = f"HTTP {response.status_code} (the service answered; the probe's item has no data)"
        return CheckResult(probe.source, endpoint, "reachable", detail, "nothing to do")
    status, detail, step = classify_response(response.status_code, response.content, probe.advice)
    return CheckResult(probe.source, endpoint, status, detail, step)


def classify_response(code: int, body: bytes, advice: str) -> tuple[str, str, str]:
    if code == 429:
        return "blocked", "HTTP 429 (rate limited)", f"wait before the next run (an hour or more); {advice}"
    if code == 401:
        return (
            "needs credentials",
            "HTTP 401 (credentials refused)",
            "check the credentials in the environment",
        )
    if code == 403:
        return (
            "blocked",
            "HTTP 403 (refused)",
            advice or "this network or client is refused; try another network",
        )
    if 300 <= code < 400:
        return "blocked", f"HTTP {code} (redirected, e.g. to a login page)", advice
    if code >= 500:
        return "failing", f"HTTP {code} (the service is failing)", "try again later"
    if code >= 400:
        return "failing", f"HTTP {code}", "check the URL in config.yaml"
    if not body.strip():
        return "blocked", "HTTP 200 with an empty body (a soft block)", advice or "try another network"
    return "reachable", f"HTTP {code}, {len(body):,} bytes", "nothing to do"


def classify_exception(exc: requests.RequestException) -> tuple[str, str, str]:
    """The root cause in one line (not urllib3's 1,400-character chain)."""
    chain = causes(exc)
    if any(isinstance(e, socket.gaierror) for e in chain) or _names(chain, "NameResolutionError"):
        return (
            "DNS failure",
            "the host name does not resolve",
            "check the URL and this machine's DNS / network",
        )
    if isinstance(exc, requests.exceptions.SSLError) or any(isinstance(e, ssl.SSLError) for e in chain):
        reason = next((str(getattr(e, "reason", "") or "") for e in chain if isinstance(e, ssl.SSLError)), "")
        detail = f"TLS handshake failed ({reason})" if reason else "TLS handshake failed"
        return "TLS failure", detail, "check the URL's scheme and any proxy that intercepts TLS (CA bundle)"
    if isinstance(exc, requests.Timeout):
        return (
            "unreachable",
            f"no answer within {TIMEOUT:.0f} s",
            "check the network or a firewall; try later",
        )
    root = chain[-1]
    return (
        "unreachable",
        f"{type(root).__name__}: {str(root)[:80]}",
        "check the network, the URL and any proxy",
    )


def _names(chain: list[BaseException], name: str) -> bool:
    return any(type(e).__name__ == name for e in chain)


def _probes(config: Config, secrets: Secrets) -> Iterator[tuple[str, Probe | CheckResult]]:
    for name in config.sources.enabled_names():
        builder = PROBES.get(name)
        if builder is None:
            yield (
                name,
                CheckResult(name, "-", "skipped", "no request needed (derived from prices)", "nothing to do"),
            )
            continue
        yield from ((name, p) for p in builder(config, secrets))


def _prices(config: Config, secrets: Secrets) -> list[Probe | CheckResult]:
    url = f"{config.sources.prices.yahoo_url.rstrip('/')}/v8/finance/chart/{config.benchmark}"
    return [Probe("prices", "GET", url, {"range": "5d", "interval": "1d"}, advice="use provider: stooq")]


def _trends(config: Config, secrets: Secrets) -> list[Probe | CheckResult]:
    settings = config.sources.google_trends
    out: list[Probe | CheckResult] = []
    if settings.backend in ("official", "auto"):
        if trends_credentials_path() is None:
            step = "set ATTENTION_TRENDS_CREDENTIALS (or GOOGLE_APPLICATION_CREDENTIALS) to a JSON key file"
            if settings.backend == "official":
                out.append(
                    CheckResult(
                        "google_trends", settings.official.url, "needs credentials", "no key file", step
                    )
                )
        else:
            # Only whether the host answers: the token exchange happens in the run itself.
            codes = (400, 401, 403, 404)
            out.append(
                Probe("google_trends", "GET", f"{settings.official.url.rstrip('/')}/", also_fine=codes)
            )
    if settings.backend != "official":
        # The page pytrends opens first (it sets the cookie Explore needs); an Explore request
        # without that cookie is refused anyway, and a real one would spend the run's budget.
        advice = "Google blocks scripted clients: import multiTimeline.csv, or use the official API backend"
        url = f"{settings.base_url.rstrip('/')}/trends/explore/"
        # Google answers this page with 404 and the NID cookie: that is the service answering.
        out.append(Probe("google_trends", "GET", url, {"geo": settings.geo}, advice=advice, also_fine=(404,)))
    return out


def _reddit(config: Config, secrets: Secrets) -> list[Probe | CheckResult]:
    settings = config.sources.reddit
    subs = [s for t in config.themes.values() for s in t.subreddits] or ["stocks"]
    if settings.mode == "api" or (settings.mode == "auto" and secrets.has_reddit_credentials):
        if not secrets.has_reddit_credentials:
            step = "set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET, or use mode: keyless"
            return [
                CheckResult("reddit", settings.oauth_url, "needs credentials", "mode api without keys", step)
            ]
        return [Probe("reddit", "GET", f"{settings.oauth_url.rstrip('/')}/api/v1/me")]
    agent = {"User-Agent": secrets.reddit_user_agent or "python:attention:0.1 (sources check)"}
    atom = f"{settings.public_url.rstrip('/')}/r/{subs[0]}/new/.rss"
    arctic = f"{settings.arctic_shift.url.rstrip('/')}/api/time_series"
    week_ago = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    params = {"key": f"r/{subs[0].lower()}/posts/count", "precision": "day", "after": week_ago}
    return [
        Probe("reddit", "GET", arctic, params, agent, advice="Arctic Shift may be down; see its status page"),
        Probe("reddit", "GET", atom, None, agent, advice="Reddit refuses this address; rely on Arctic Shift"),
    ]


def _news(config: Config, secrets: Secrets) -> list[Probe | CheckResult]:
    url = f"{config.sources.news.google_news_url.rstrip('/')}/rss/search"
    return [Probe("news", "GET", url, {"q": "stock market", "hl": "en-US", "gl": "US", "ceid": "US:en"})]


def _wikipedia(config: Config, secrets: Secrets) -> list[Probe | CheckResult]:
    from collectors.wikipedia.pageviews import pageviews_url

    settings = config.sources.wikipedia
    last = dt.date.today() - dt.timedelta(days=3)
    articles = [a for t in config.themes.values() for a in t.wikipedia_articles] or ["Stock market"]
    url = pageviews_url(
        settings.url, settings.project, settings.access, settings.agent, articles[0], last, last
    )
    advice = "set sources.wikipedia.user_agent and contact (Wikimedia refuses generic agents)"
    agent = {"User-Agent": settings.agent_string()}
    return [Probe("wikipedia", "GET", url, None, agent, advice=advice, also_fine=(404,))]


def trends_credentials_path(environ: Any = None) -> str | None:
    """The key file for the official Trends API, from the environment only."""
    env = os.environ if environ is None else environ
    return env.get("ATTENTION_TRENDS_CREDENTIALS") or env.get("GOOGLE_APPLICATION_CREDENTIALS") or None


PROBES: dict[str, Callable[[Config, Secrets], list[Probe | CheckResult]]] = {
    "prices": _prices,
    "google_trends": _trends,
    "reddit": _reddit,
    "news": _news,
    "wikipedia": _wikipedia,
}
