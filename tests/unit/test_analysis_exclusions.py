"""What a verdict rests on and what it left out (issue 15, items 4 and 5): the data span, stale
in words, and one "Excluded or used late: ..." sentence, identical in `attention analyze`, the
report and the verdict export."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from attention.analysis.exclusions import (
    STALE_SESSIONS,
    DataSpan,
    data_span,
    excluded_inputs,
    sessions_after,
)
from attention.analysis.simulate import LoopParams
from attention.analysis.wording import asof_sentence, excluded_sentence
from attention.cli import app
from attention.config import load_config
from attention.panel.build import PanelInputs, ThemePanel
from attention.store import Store
from attention.store.flags import FLAG_COLUMNS

from .test_analysis_run import _write_world

runner = CliRunner()
AT = dt.datetime(2026, 12, 6, 19, 50, tzinfo=dt.UTC)
SENTENCE = re.compile(r"Excluded or used late: [^.]*(?:\.\.[^.]*)*\.")


def _panel(theme: str, weeks: int = 20) -> ThemePanel:
    """A constructed weekly and daily panel: Reddit watched in the first 12 weeks only (week 12
    half), the basket thin on 3 sessions, attention and returns ending on 2024-07-26."""
    w_index = pd.date_range("2024-03-15", periods=weeks, freq="W-FRI")
    coverage = np.r_[np.ones(11), 0.5, np.zeros(weeks - 12)]
    weekly = pd.DataFrame({"reddit_coverage": coverage, "news_coverage": 0.0}, index=w_index)
    d_index = pd.bdate_range("2024-03-11", "2024-07-26")
    weight = pd.Series(1.0, index=d_index)
    weight.iloc[[5, 6, 7]] = [0.5, 0.4, 0.6]
    daily = pd.DataFrame(
        {
            "attention_index": 0.1,
            "excess_return": 0.01,
            "basket_weight": weight,
            "search": 50.0,
            "reddit_coverage": 1.0,
            "news_coverage": 0.0,
            "page_views": np.nan,
            "flow_usd": 1e6,
        },
        index=d_index,
    )
    daily.loc["2024-07-01":, "excess_return"] = np.nan  # returns end earlier than attention
    daily.loc["2024-06-01":, "reddit_coverage"] = 0.0  # as the weeks: not watched after May
    return ThemePanel(theme, daily, weekly)


def _inputs(config_path: Path) -> PanelInputs:
    config = load_config(config_path)
    members = config.themes["ai_stocks"].proxy.members
    weeks = pd.date_range("2023-01-06", periods=40, freq="W-FRI")
    monthly = weeks.to_period("M").month.astype(float)  # one value per month, copied onto weeks
    term = config.themes["ai_stocks"].search_terms[0]
    search = pd.DataFrame(
        {"term": term, "date": weeks.date, "granularity": "week", "value": monthly, "is_partial": False}
    )
    flows = pd.DataFrame(
        {"ticker": members[0], "date": weeks[:3].date, "method": "import", "flow_usd": 0.0, "stale": True}
    )
    flags = pd.DataFrame(
        [
            [
                "frozen_feed",
                members[1],
                "shares outstanding unchanged",
                dt.date(2024, 5, 1),
                dt.date(2024, 6, 3),
            ],
            ["frozen_feed", "NOT_A_MEMBER", "unchanged", dt.date(2024, 5, 1), dt.date(2024, 6, 3)],
            ["step_series", f"search '{term}'", "monthly", dt.date(2023, 1, 6), dt.date(2023, 10, 6)],
            ["a_check_added_later", "ai_stocks", "something", dt.date(2024, 1, 2), None],
        ],
        columns=FLAG_COLUMNS[:5],
    )
    empty = PanelInputs.empty()
    return PanelInputs(empty.prices, flows, empty.mentions, search, flags=flags)


def test_every_known_exclusion_is_named_once(config_path: Path) -> None:
    config = load_config(config_path)
    members = config.themes["ai_stocks"].proxy.members
    term = config.themes["ai_stocks"].search_terms[0]
    items = excluded_inputs(_panel("ai_stocks"), _inputs(config_path), config)
    joined = "; ".join(items)
    # when Reddit was watched, and how often it fell short in that time (not the weeks after)
    assert (
        "Reddit mentions after 2024-05-31 (not watched) and in 1 of the 12 weeks from 2024-03-11 to "
        "2024-05-31 (1 watched in part): missing, not zero"
    ) in items
    assert f"search '{term}' (monthly values on weekly labels, each used only after its month ends)" in items
    assert any(i.startswith("the basket (") and "on 3 of " in i and "lowest 40%" in i for i in items)
    assert f"flows of {members[0]} on 3 date(s) (stale feed: missing, not zero)" in items
    assert f"{members[1]} (frozen feed, its values treated as unknown, 2024-05-01..2024-06-03)" in items
    assert "ai_stocks (a check added later, 2024-01-02)" in items  # a check added later, in words
    assert "NOT_A_MEMBER" not in joined  # a flag about another theme's input
    assert joined.count(f"search '{term}'") == 1  # the stored step flag is not named twice
    # news is on in the config but never watched: named as a source with no data
    silent = next(i for i in items if i.startswith("no data from "))
    assert "news" in silent and silent.endswith("(not collected, or the source did not answer)")
    assert "search interest" not in silent and "prices of the" not in silent  # they had values
    # a report for a date before the frozen run started does not name it
    earlier = excluded_inputs(_panel("ai_stocks"), _inputs(config_path), config, dt.date(2024, 4, 30))
    assert not any(i.startswith(f"{members[1]} (frozen feed") for i in earlier)
    assert "ai_stocks (a check added later, 2024-01-02)" in earlier


def test_text_gaps_name_the_watched_period_and_count_only_the_weeks_inside_it(config_path: Path) -> None:
    """Two watched stretches with years between (as the two real WSB files): the weeks before
    the first and after the last are "not watched", not counted among the gaps; the weeks
    between are counted as not watched or watched in part."""
    config = load_config(config_path)
    w_index = pd.date_range("2022-01-07", periods=30, freq="W-FRI")
    coverage = np.zeros(30)
    coverage[[5, 6, 20]] = [0.4, 1.0, 0.9]  # 5: in part, 6: in full, 7..19 never, 20: in part
    weekly = pd.DataFrame({"reddit_coverage": coverage, "news_coverage": 0.0}, index=w_index)
    d_index = pd.bdate_range("2022-01-03", w_index[-1])
    daily = pd.DataFrame({"reddit_coverage": 0.0, "news_coverage": 0.0}, index=d_index)
    daily.loc["2022-02-10":"2022-02-18", "reddit_coverage"] = 1.0
    daily.loc["2022-05-23":"2022-05-26", "reddit_coverage"] = 1.0
    panel = ThemePanel("small_caps", daily, weekly)
    reddit = [i for i in excluded_inputs(panel, PanelInputs.empty(), config) if i.startswith("Reddit")]
    assert reddit == [
        "Reddit mentions before 2022-02-10 and after 2022-05-26 (not watched) and in 15 of the 16 weeks "
        "from 2022-02-10 to 2022-05-26 (13 not watched, 2 watched in part): missing, not zero"
    ]
    # watched in full from the first week to the last: nothing to name
    full = ThemePanel("small_caps", daily.assign(reddit_coverage=1.0), weekly.assign(reddit_coverage=1.0))
    assert not [i for i in excluded_inputs(full, PanelInputs.empty(), config) if i.startswith("Reddit")]


def test_a_flag_naming_a_ticker_among_other_words_is_named(config_path: Path) -> None:
    """Stored flags whose subject names one of the theme's tickers among other words ("IWM
    shares", "flows of IWM.") are the theme's; another ticker, or a search term that contains
    a ticker as a word, is not."""
    config = load_config(config_path)
    proxy = config.themes["small_caps"].proxy.members[0]
    other_term = config.themes["ai_stocks"].search_terms[0]
    flags = pd.DataFrame(
        [
            ["frozen_feed", f"{proxy} shares", "unchanged", dt.date(2024, 5, 1), dt.date(2024, 5, 9)],
            ["holiday_dates", f"flows of {proxy}.", "moved", dt.date(2024, 3, 29), None],
            ["frozen_feed", "QQQ shares", "unchanged", dt.date(2024, 5, 1), dt.date(2024, 5, 9)],
            ["frozen_feed", f"search '{proxy} {other_term}'", "frozen", dt.date(2024, 1, 5), None],
            ["a_later_check", f"{proxy}X shares", "no", dt.date(2024, 1, 5), None],
        ],
        columns=FLAG_COLUMNS[:5],
    )
    empty = PanelInputs.empty()
    inputs = PanelInputs(empty.prices, empty.flows, empty.mentions, empty.search, flags=flags)
    items = excluded_inputs(_panel("small_caps"), inputs, config)
    assert f"{proxy} shares (frozen feed, its values treated as unknown, 2024-05-01..2024-05-09)" in items
    assert any(i.startswith(f"flows of {proxy}. (records dated on days without a session") for i in items)
    joined = "; ".join(items)
    assert "QQQ shares" not in joined and f"{proxy}X" not in joined and "search '" not in joined


def test_an_imported_series_without_values_is_named(config_path: Path) -> None:
    config = load_config(config_path)
    theme = config.themes["ai_stocks"].model_copy(update={"external_series": ["mood"]})
    config = config.model_copy(update={"themes": {**config.themes, "ai_stocks": theme}})
    panel = _panel("ai_stocks")
    panel.daily["ext_mood"] = np.nan
    assert any("the imported series mood" in i for i in excluded_inputs(panel, PanelInputs.empty(), config))
    panel.daily["ext_mood"] = 0.0  # a value of 0 is a value
    assert not any("mood" in i for i in excluded_inputs(panel, PanelInputs.empty(), config))


def test_nothing_excluded_says_so() -> None:
    assert excluded_sentence(()) == "Excluded or used late: nothing."
    assert excluded_sentence(("a", "b")) == "Excluded or used late: a; b."


def test_data_span_and_stale_in_words() -> None:
    panel = _panel("ai_stocks")
    fresh = data_span(panel, dt.date(2024, 7, 2), AT)
    # returns end 2024-06-28 (the last business day before July), attention 2024-07-26
    assert fresh.data_from == dt.date(2024, 3, 11) and fresh.data_as_of == dt.date(2024, 6, 28)
    assert fresh.sessions_behind == 2 and not fresh.stale  # 2024-07-01, 07-02
    assert asof_sentence(fresh) == "Attention and excess returns overlap 2024-03-11..2024-06-28."
    late = data_span(panel, dt.date(2024, 12, 31), AT)
    assert late.stale and late.sessions_behind == sessions_after(dt.date(2024, 6, 28), dt.date(2024, 12, 31))
    assert late.sessions_behind > STALE_SESSIONS
    assert asof_sentence(late) == (
        "Attention and excess returns overlap 2024-03-11..2024-06-28: stale, the data end "
        f"{late.sessions_behind} sessions before 2024-12-31 (attention 2024-03-11..2024-07-26, "
        "excess returns 2024-03-11..2024-06-28)."
    )
    # a run date inside the data (analyze_store with an as-of): the span still says where the
    # data analysed end, and it is not stale
    early = data_span(panel, dt.date(2024, 5, 31), AT)
    assert early.data_as_of == dt.date(2024, 6, 28) and early.sessions_behind == 0 and not early.stale
    # attention and returns that never overlap: said so, not a span
    apart = _panel("ai_stocks")
    apart.daily.loc[:"2024-06-28", "attention_index"] = np.nan
    split = data_span(apart, dt.date(2024, 7, 26), AT)
    assert not split.overlap and asof_sentence(split) == (
        "No dates with both attention and excess returns (attention 2024-07-01..2024-07-26, "
        "excess returns 2024-03-11..2024-06-28)."
    )
    none = DataSpan(None, None, dt.date(2024, 1, 2), AT)
    assert none.stale and asof_sentence(none).startswith(
        "No attention or excess return data up to 2024-01-02"
    )


def test_sessions_after_counts_nyse_sessions() -> None:
    # 2024-07-04 is a holiday: Jul 3 and Jul 5 are the sessions after Jul 2 up to Jul 5
    assert sessions_after(dt.date(2024, 7, 2), dt.date(2024, 7, 5)) == 2
    assert sessions_after(dt.date(2024, 7, 5), dt.date(2024, 7, 5)) == 0


def _flag_and_step(path: Path, term: str, ticker: str) -> None:
    """A monthly step search series for ``term`` and a stored frozen-feed flag on ``ticker``."""
    weeks = pd.date_range("2019-01-04", "2020-12-25", freq="W-FRI")
    with Store(path) as store:
        store.upsert_frame(
            "search_series",
            pd.DataFrame(
                {
                    "term": term,
                    "date": weeks.date,
                    "granularity": "week",
                    "value": (weeks.month * 3 + weeks.year % 7).astype(float),
                    "is_partial": False,
                }
            ),
            ["term", "date", "granularity"],
        )
        flags = pd.DataFrame(
            [
                [
                    "frozen_feed",
                    ticker,
                    "shares unchanged",
                    dt.date(2019, 3, 1),
                    dt.date(2019, 4, 1),
                    "warning",
                    AT,
                ]
            ],
            columns=FLAG_COLUMNS,
        )
        store.replace_data_flags(["frozen_feed"], flags)


def test_analyze_report_and_export_print_the_same_sentence(config_path: Path, tmp_path: Path) -> None:
    config = load_config(config_path)
    _write_world(config.store.path, LoopParams.null(), n=400)
    _flag_and_step(config.store.path, "IWM", "IWM")
    out = runner.invoke(app, ["analyze", "--config", str(config_path)])
    assert out.exit_code == 0, out.output
    line = next(v for v in out.stdout.splitlines() if v.startswith("Small caps:"))
    analyzed = SENTENCE.findall(line)
    assert len(analyzed) == 1, line
    sentence = analyzed[0]
    assert "search 'IWM' (monthly values on weekly labels" in sentence
    assert "IWM (frozen feed, its values treated as unknown, 2019-03-01..2019-04-01)" in sentence
    # a theme without prices says so, each part of its verdict a sentence
    ai = next(v for v in out.stdout.splitlines() if v.startswith("AI stocks:"))
    assert (
        "no data from prices of the proxy (" in ai and "flow_usd). No attention or excess return data" in ai
    )
    # the world ends in 2020, analysed as of today: stale, in words (and on stderr for cron)
    assert ": stale, the data end " in line
    assert "attention: Small caps: Attention and excess returns overlap 2019-" in out.stderr
    assert ": stale, " in out.stderr
    as_json = json.loads(runner.invoke(app, ["analyze", "--config", str(config_path), "--json"]).stdout)
    small = as_json["themes"]["small_caps"]
    assert small["excluded_sentence"] == sentence and small["stale"] is True
    assert small["span"]["data_as_of"] is not None and small["span"]["data_from"] is not None
    exported = runner.invoke(app, ["export", "--config", str(config_path), "--out", str(tmp_path / "x")])
    assert exported.exit_code == 0, exported.output
    verdicts = pd.read_csv(tmp_path / "x" / "feedback_verdicts.csv")
    row = verdicts[verdicts["theme"] == "small_caps"].iloc[0]
    assert row["excluded"] == sentence and SENTENCE.findall(row["verdict"]) == [sentence]
    assert bool(row["stale"]) and row["data_as_of"] == small["span"]["data_as_of"]
    tests = pd.read_csv(tmp_path / "x" / "feedback_tests.csv")
    assert tests["data_as_of"].notna().all() and tests["data_from"].notna().all()
    report = runner.invoke(app, ["report", "--config", str(config_path), "--out", str(tmp_path / "r")])
    assert report.exit_code == 0, report.output
    page = html.unescape(Path(report.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8"))
    # the verdict card and the detailed verdict both end with it
    assert page.count(sentence) >= 2, SENTENCE.findall(page)
    assert re.search(r"Computed \d{4}-\d\d-\d\d \d\d:\d\d UTC from the data known by 20\d\d-", page)


def test_the_verdict_and_the_context_call_the_same_data_stale() -> None:
    """Data ending 2022-11-18 for a run on 2022-11-25 (4 NYSE sessions: Thanksgiving is 11-24):
    the report's verdict and its market context, side by side, must not disagree."""
    from attention.analysis.context import market_context

    days = pd.bdate_range("2022-06-01", "2022-11-18")
    walk = pd.Series(100 + np.arange(len(days)) % 3, index=days, dtype=float)
    context = market_context(walk, walk * 1.01 + 1, asof="2022-11-25")
    lag = sessions_after(dt.date(2022, 11, 18), dt.date(2022, 11, 25))
    span = DataSpan(
        dt.date(2022, 6, 1), dt.date(2022, 11, 18), dt.date(2022, 11, 25), AT, sessions_behind=lag
    )
    assert lag == context.stale_sessions == 4
    assert span.stale and context.stale
    fresh = DataSpan(dt.date(2022, 6, 1), dt.date(2022, 11, 18), dt.date(2022, 11, 22), AT, sessions_behind=2)
    assert not fresh.stale and not market_context(walk, walk * 1.01 + 1, asof="2022-11-22").stale


def test_a_span_with_holes_is_the_dates_both_series_have() -> None:
    """Attention from two short watched periods (January 2022, June 2024, as the real WSB files)
    and excess returns from June to November 2022: their first and last dates overlap, yet no
    date has both, so the verdict must not say they overlap 2022-06-28..2022-11-18."""
    days = pd.bdate_range("2022-01-03", "2024-07-31")
    attention = pd.Series(np.nan, index=days)
    attention.loc["2022-01-18":"2022-01-21"] = 1.0
    attention.loc["2024-06-24":"2024-07-02"] = 2.0
    excess = pd.Series(np.nan, index=days)
    excess.loc["2022-06-28":"2022-11-18"] = 0.01
    panel = ThemePanel(
        "x", pd.DataFrame({"attention_index": attention, "excess_return": excess}), pd.DataFrame()
    )
    span = data_span(panel, dt.date(2024, 7, 31), AT)
    assert not span.overlap
    assert asof_sentence(span) == (
        "No dates with both attention and excess returns (attention 2022-01-18..2024-07-02, excess "
        "returns 2022-06-28..2022-11-18)."
    )
    # some dates in common: the span is theirs, not the outer bounds of the two series
    excess.loc["2024-06-26":"2024-06-28"] = 0.02
    panel = ThemePanel(
        "x", pd.DataFrame({"attention_index": attention, "excess_return": excess}), pd.DataFrame()
    )
    span = data_span(panel, dt.date(2024, 7, 31), AT)
    assert span.overlap and (span.data_from, span.data_as_of) == (dt.date(2024, 6, 26), dt.date(2024, 6, 28))
