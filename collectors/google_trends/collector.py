"""Google Trends collector: long daily series for every theme term, on one scale, from few
requests, surviving 429s.

The collector fetches and stores raw responses only (``trends_requests`` with the raw body,
``search_interest`` with the raw 0-100 values); the derivation
``attention.derive.search:derive_search_series`` stitches everything stored into
``search_series`` after each run. Keeping the stitch out of the collector means it always uses
every stored response (also ones fetched by earlier, interrupted runs, and CSV imports) and can be
re-run offline when the method improves.

The request plan is in :mod:`collectors.google_trends.plan`; the protocol in
:mod:`collectors.google_trends.protocol`. Resilience:

* Cache at the data layer: before asking for a payload, the store is checked for the same payload
  (terms, anchor, timeframe, geo) fetched today, or fetched any day with no partial period. A
  rerun on the same day therefore sends zero requests.
* A 429 stops the run at once (``RetryPolicy(stop_on_429=True)``): responses already fetched are
  stored, a ``progress`` cursor says where it stopped, and the next run resumes there (everything
  before it comes from the store).
* After a 429 the source cools down: for ``sources.google_trends.cooldown_hours`` (default 6)
  after the ``last_rate_limited`` cursor, a run sends nothing and the source is reported
  ``deferred`` (a manual rerun the same day would only extend Google's block).
* The request budget (``sources.google_trends.budget``) is checked before each payload (cookie +
  explore + multiline), so a payload is never cut in half; the rest waits for the next run.

Cost, measured against the replica (``benchmarks/trends_stitching.py``): filling five years for
the default config takes 25 payloads (51 requests), so with the default budget of 40 the first
fill completes on the second run. After that a day costs one payload per daily group (3, i.e.
7 requests with the cookie), plus the anchor bank and weekly levels (4-5 payloads) once a week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Generator, Iterator, Sequence
from typing import Any

import pandas as pd

from collectors.core.http import RetryPolicy
from collectors.core.records import (
    AttentionError,
    BudgetExhaustedError,
    CollectContext,
    CoverageSpan,
    CursorUpdate,
    Provenance,
    RateLimitedError,
    Record,
    SearchInterestPoint,
    SourceNote,
    TrendsResponse,
    day_span,
    utcnow,
)
from collectors.google_trends import official_api, plan
from collectors.google_trends.protocol import TrendsFetcher, parse_multiline
from collectors.google_trends.stitch import Response, StitchResult, stitch

VERSION = "1.0"
REQUESTS_PER_PAYLOAD = 2  # explore + multiline (plus one cookie request per run)

Out = Generator[Record | SourceNote, None, list[Response]]


def request_id(payload: plan.Payload, geo: str, fetched_on: dt.date) -> str:
    text = f"{payload.signature(geo)}|{fetched_on.isoformat()}"
    return "gt-" + hashlib.sha256(text.encode()).hexdigest()[:20]


class _Run:
    """One collection: the store cache, the lazily opened client, and progress counters."""

    def __init__(self, ctx: CollectContext) -> None:
        self.ctx = ctx
        self.settings = ctx.config.sources.google_trends
        self.geo = self.settings.geo
        self.fetcher: TrendsFetcher | None = None
        self.client: Any = None
        self.fetched = 0
        self.cached = 0
        self.done: list[str] = []
        self.last: Response | None = None  # the response of the payload handled last

    # -- the store cache --------------------------------------------------------------------
    def cached_response(self, payload: plan.Payload) -> Response | None:
        if self.ctx.lookups is None:
            return None
        for stored in self.ctx.lookups.trends_responses(payload.timeframe, self.geo):
            if list(stored.terms) != list(payload.sent):
                continue
            granularity = stored.granularity or payload.granularity
            try:
                timeline = parse_multiline(stored.raw, payload.sent, granularity)
            except AttentionError:
                continue  # an unreadable stored body is simply fetched again
            if stored.fetched_on == self.ctx.run_date or not timeline.partial.any():
                return timeline.response(stored.request_id, payload.anchor, stored.fetched_on)
        return None

    # -- fetching ---------------------------------------------------------------------------
    def _open(self) -> TrendsFetcher:
        if self.fetcher is None:
            assert self.ctx.http_factory is not None, "the pipeline provides an HTTP factory"
            self.client = self.ctx.http_factory(
                "google_trends",
                policy=RetryPolicy(stop_on_429=True),
                rewrites={"https://trends.google.com": self.settings.base_url},
            )
            self.fetcher = TrendsFetcher(self.client, self.geo)
        return self.fetcher

    def _check_budget(self, payload: plan.Payload) -> None:
        fetcher = self._open()
        needed = REQUESTS_PER_PAYLOAD + (1 if fetcher.needs_cookie else 0)
        left = self.client.budget - self.client.requests_made
        if left < needed:
            raise BudgetExhaustedError(
                f"google_trends: request budget of {self.client.budget} for this run is spent "
                f"({self.fetched} payloads fetched, next: {payload.kind} {payload.timeframe}); "
                "the rest is collected on the next run"
            )

    def get(self, payload: plan.Payload) -> Iterator[Record]:
        """Records for one payload (none when it is in the store); sets ``self.last``."""
        cached = self.cached_response(payload)
        if cached is not None:
            self.cached += 1
            self.last = cached
            return
        self._check_budget(payload)
        got = self._open().fetch(payload.sent, payload.timeframe)
        timeline = parse_multiline(got.raw, payload.sent, got.granularity or payload.granularity)
        retrieved = utcnow()
        rid = request_id(payload, self.geo, self.ctx.run_date)
        anchor_raw = timeline.values[payload.anchor] if payload.anchor else None
        params = {
            "kind": payload.kind,
            "terms": list(payload.sent),
            "anchor": payload.anchor,
            "timeframe": payload.timeframe,
            "geo": self.geo,
            "granularity": timeline.granularity,
            "widget_request": got.widget_request,
            "anchor_scale": None
            if anchor_raw is None
            else {"mean_raw": round(float(anchor_raw.mean()), 3), "max_raw": float(anchor_raw.max())},
        }
        slim = Provenance(
            got.url,
            VERSION,
            retrieved,
            {"kind": payload.kind, "timeframe": payload.timeframe, "anchor": payload.anchor},
        )
        for period, row in timeline.values.iterrows():
            is_partial = bool(timeline.partial.loc[period])
            for term in payload.sent:
                yield SearchInterestPoint(
                    rid,
                    term,
                    period.date(),
                    timeline.granularity,
                    float(row[term]),
                    is_partial,
                    self.geo,
                    slim,
                )
        yield from _coverage(timeline.values.index, timeline.granularity, payload.sent, slim)
        # The response row is the cache: it is yielded after its points, so it commits in the
        # batch of its last point. A kill between two batches then leaves no cache row, and the
        # next run fetches the payload again instead of trusting a cache whose points are lost.
        prov = Provenance(got.url, VERSION, retrieved, params)
        yield TrendsResponse(
            rid, payload.sent, payload.anchor, payload.timeframe, self.geo, self.ctx.run_date, got.raw, prov
        )
        self.fetched += 1
        self.last = timeline.response(rid, payload.anchor, self.ctx.run_date)

    def one(self, payload: plan.Payload) -> Out:
        """Records for one payload, then its response (from the store or fetched now)."""
        before = self.fetched
        yield from self.get(payload)
        self.done.append(payload.signature(self.geo))
        if self.fetched > before:  # moves only after the records it describes
            yield self.progress("running", None)
        assert self.last is not None, "get() sets the payload's response"
        return [self.last]

    def progress(self, state: str, blocked: plan.Payload | None, reason: str | None = None) -> CursorUpdate:
        value = {
            "run_date": self.ctx.run_date.isoformat(),
            "state": state,
            "payloads_done": len(self.done),
            "fetched": self.fetched,
            "from_store": self.cached,
            "blocked_at": None
            if blocked is None
            else {"kind": blocked.kind, "terms": list(blocked.sent), "timeframe": blocked.timeframe},
            "reason": reason,
        }
        return CursorUpdate("google_trends", "progress", json.dumps(value, sort_keys=True))


class TrendsCollector:
    """Collector for ``sources.google_trends`` (see the module docstring)."""

    name = "google_trends"
    version = VERSION

    def collect(self, ctx: CollectContext) -> Iterator[Record | SourceNote]:
        backend, ctx.mode = official_api.choose_backend(ctx.config.sources.google_trends.backend)
        if backend == "official":  # Google's Trends API: one scale, no anchors to stitch
            assert ctx.http_factory is not None, "the pipeline provides an HTTP factory"
            api = official_api.OfficialBackend(
                ctx, ctx.http_factory(self.name, min_interval=0.0), self.version
            )
            yield from api.run(list(plan.theme_terms(ctx.config)))
            return
        run = _Run(ctx)
        yield from _check_cooldown(ctx, run.settings.cooldown_hours)
        payload_now: list[plan.Payload] = []
        try:
            yield from self._plan_and_fetch(run, payload_now)
        except (RateLimitedError, BudgetExhaustedError) as exc:
            blocked = payload_now[0] if payload_now else None
            reason = "rate_limited" if isinstance(exc, RateLimitedError) else "budget"
            yield run.progress("blocked", blocked, reason)
            if isinstance(exc, RateLimitedError):
                yield CursorUpdate("google_trends", "last_rate_limited", utcnow().isoformat())
            ctx.mode = _mode(run)
            raise
        yield run.progress("complete", None)
        ctx.mode = _mode(run)
        yield SourceNote("info", f"{run.fetched} payloads fetched, {run.cached} from the store")

    def _plan_and_fetch(self, run: _Run, current: list[plan.Payload]) -> Out:
        ctx = run.ctx
        history = ctx.config.analysis.history_start
        anchors = list(run.settings.anchor_terms)
        reference = anchors[0] if anchors else None
        terms = [t for t in plan.theme_terms(ctx.config) if t not in anchors]
        window = plan.weekly_window(ctx.run_date, history)

        def fetch_all(payloads: Sequence[plan.Payload]) -> Out:
            out = []
            for payload in payloads:
                current[:] = [payload]
                out.extend((yield from run.one(payload)))
            current.clear()
            return out

        weekly: list[Response] = []
        levels: dict[str, float] = {}
        rungs: list[tuple[str, float]] = []
        if window is not None:  # None: the history starts too late for a weekly payload yet
            bank = yield from fetch_all(plan.bank_payloads(anchors, window))
            rungs = plan.ladder(anchors, _levels(stitch(bank, reference)))
            weekly = bank + (yield from fetch_all(plan.level_payloads(terms, rungs, window)))
            levels = _levels(stitch(weekly, reference))
            weak = plan.weak_terms(terms, weekly)
            tried = {t: {r.anchor for r in weekly if t in r.values.columns} for t in terms}
            extra = plan.ladder_payloads(weak, levels, rungs, window, tried)
            if extra:
                weekly += yield from fetch_all(extra)
                levels = _levels(stitch(weekly, reference))
        groups = _stored_groups(ctx.cursors, terms, anchors)
        if groups is None:
            groups = plan.daily_groups(terms, levels, rungs)
            # The grouping is kept: regrouping on slightly different levels would change every
            # past window's payload and ask for all of them again. Not one made before any
            # weekly payload could be asked, though: the first run that has them regroups.
            if window is not None:
                yield CursorUpdate(
                    "google_trends", "daily_groups", json.dumps([[list(g), a] for g, a in groups])
                )
        windows = plan.daily_windows(ctx.run_date, history)
        yield from fetch_all(plan.daily_payloads(groups, windows))
        return weekly


class CoolingDownError(BudgetExhaustedError):
    """Google answered 429 less than ``cooldown_hours`` ago: this run sends nothing and the
    source is deferred (like a spent budget), not failed."""


def _check_cooldown(ctx: CollectContext, hours: float) -> Iterator[SourceNote]:
    """Raise :class:`CoolingDownError` while the last 429 is younger than ``hours``.

    Google's blocks of scripted clients last hours: asking again on a manual rerun the same
    day only extends them. The clock is the wall clock (a 429 happened at a real time).
    """
    value = (ctx.cursors or {}).get("last_rate_limited")
    if not value or hours <= 0:
        return
    try:
        since = dt.datetime.fromisoformat(value)
        since = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    except ValueError:
        yield SourceNote(
            "warning",
            f"google_trends: unreadable last_rate_limited cursor "
            f"{value[:40]!r}; ignored (no cool-down applied)",
        )
        return
    until = since + dt.timedelta(hours=hours)
    if utcnow() >= until:
        return
    ctx.mode = "cooling down (no requests)"
    message = (
        f"google_trends: Google answered 429 at {since:%Y-%m-%d %H:%M} UTC; no request "
        f"until {until:%Y-%m-%d %H:%M} UTC (sources.google_trends.cooldown_hours: "
        f"{hours:g}; 0 retries on the next run). The collection resumes then"
    )
    yield SourceNote("warning", message)
    raise CoolingDownError(message)


def _stored_groups(
    cursors: Any, terms: Sequence[str], anchors: Sequence[str]
) -> list[tuple[tuple[str, ...], str | None]] | None:
    """The daily grouping of an earlier run, if it still covers exactly today's terms."""
    try:
        stored = json.loads((cursors or {}).get("daily_groups") or "null")
        groups = [(tuple(g), a) for g, a in stored]
    except (TypeError, ValueError):
        return None
    grouped = [t for g, _ in groups for t in g]
    if sorted(grouped) != sorted(terms) or any(a is not None and a not in anchors for _, a in groups):
        return None
    return groups


def _mode(run: _Run) -> str:
    if run.fetched == 0:
        return "store (no requests)"
    return f"api ({run.fetched} payloads; {run.cached} from the store)"


def _levels(result: StitchResult) -> dict[str, float]:
    """Mean level per term from weekly rows, or from daily ones: Google answers a "weekly"
    window shorter than 269 days (a new install's short history) with days."""
    return result.levels("week") or result.levels("day")


PERIOD_DAYS = {"day": 1, "week": 7, "month": 28}  # a month counts its shortest length: never over-claim


def _coverage(
    periods: pd.Index, granularity: str, terms: Sequence[str], provenance: Provenance
) -> Iterator[CoverageSpan]:
    """One span per term of a response that had rows: its first period's start to its last
    period's end (periods are labelled by their first day). An empty timeline claims nothing."""
    if len(periods) == 0:
        return
    first = pd.Timestamp(periods.min()).date()
    last = pd.Timestamp(periods.max()).date() + dt.timedelta(days=PERIOD_DAYS.get(granularity, 1) - 1)
    start, end = day_span(first, last)
    for term in terms:
        yield CoverageSpan("trends", "term", term, start, end, "collect", provenance)
