"""The store's schema as an ordered list of named migrations.

A migration is applied once, in order, and recorded by name in ``schema_migrations``; the
schema version is the number of migrations applied. To change the schema, append a migration
(never edit one that has shipped). Names are unique; give them a short prefix for the feature.
"""

from __future__ import annotations

CORE = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    run_date DATE NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,          -- ok | failed | partial | skipped | running
    records BIGINT DEFAULT 0,
    requests BIGINT DEFAULT 0,
    mode VARCHAR,
    error VARCHAR,
    details JSON,
    PRIMARY KEY (run_id, source)
);
CREATE TABLE IF NOT EXISTS cursors (
    source VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (source, key)
);
CREATE TABLE IF NOT EXISTS prices (
    ticker VARCHAR NOT NULL,
    date DATE NOT NULL,
    open DOUBLE, high DOUBLE, low DOUBLE,
    close DOUBLE NOT NULL,
    adj_close DOUBLE,
    volume DOUBLE,
    provider VARCHAR,
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (ticker, date)
);
CREATE TABLE IF NOT EXISTS shares_outstanding (
    ticker VARCHAR NOT NULL,
    date DATE NOT NULL,
    shares DOUBLE NOT NULL,
    provider VARCHAR,
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (ticker, date)
);
CREATE TABLE IF NOT EXISTS flows (
    ticker VARCHAR NOT NULL,
    date DATE NOT NULL,
    method VARCHAR NOT NULL,
    flow_usd DOUBLE,
    stale BOOLEAN DEFAULT FALSE,
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (ticker, date, method)
);
CREATE TABLE IF NOT EXISTS items (
    source VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    created_utc TIMESTAMPTZ NOT NULL,
    title VARCHAR,
    body VARCHAR,
    url VARCHAR,
    author VARCHAR,
    container VARCHAR,
    outlet VARCHAR,
    parent_id VARCHAR,
    score BIGINT,
    num_comments BIGINT,
    feeds VARCHAR[],
    flags VARCHAR[],
    themes VARCHAR[],
    neg DOUBLE, neu DOUBLE, pos DOUBLE, compound DOUBLE,
    lexicon_version VARCHAR,
    scoreable BOOLEAN DEFAULT TRUE,
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (source, item_id)
);
CREATE TABLE IF NOT EXISTS trends_requests (
    request_id VARCHAR PRIMARY KEY,
    terms VARCHAR[],
    anchor VARCHAR,
    timeframe VARCHAR,
    geo VARCHAR,
    fetched_on DATE,
    raw VARCHAR,
    provenance JSON,
    retrieved_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS search_interest (
    request_id VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    granularity VARCHAR NOT NULL,
    value DOUBLE,
    is_partial BOOLEAN,
    geo VARCHAR,
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (request_id, term, period_start)
);
"""

# Search interest on one common scale across all terms (derived from search_interest by the
# Google Trends stitcher). value is on the common scale; lo/hi bound it given integer rounding.
SEARCH_SERIES = """
CREATE TABLE IF NOT EXISTS search_series (
    term VARCHAR NOT NULL,
    date DATE NOT NULL,
    granularity VARCHAR NOT NULL,     -- day | week (week rows are labelled by the week's LAST day)
    value DOUBLE,
    lo DOUBLE,
    hi DOUBLE,
    is_partial BOOLEAN DEFAULT FALSE,
    method VARCHAR,
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (term, date, granularity)
);
"""

# Normalised news volume per theme (GDELT DOC 2.0 timelinevol): the share, in percent, of all
# coverage GDELT monitored on a UTC day that matched the theme's query (collectors/news/gdelt.py).
NEWS_VOLUME = """
CREATE TABLE IF NOT EXISTS news_volume (
    theme VARCHAR NOT NULL,
    date DATE NOT NULL,
    value DOUBLE,
    query VARCHAR,
    is_partial BOOLEAN DEFAULT FALSE,  -- the run date itself: the day was not over
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (theme, date)
);
"""

# Analysis results (attention.analysis.run_all), replaced theme by theme on every analysis run;
# `context` keeps one row per theme and as-of date. Read by the export/report code.
ANALYSIS_RESULTS = """
CREATE TABLE IF NOT EXISTS feedback_tests (
    theme VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,            -- W (weekly panel)
    causing VARCHAR NOT NULL,
    caused VARCHAR NOT NULL,
    statistic DOUBLE, pvalue DOUBLE, qvalue DOUBLE,
    lags INTEGER, nobs INTEGER, df_num INTEGER, df_denom INTEGER,
    effect_size DOUBLE,               -- partial R^2 of the causing lags
    cumulative_effect DOUBLE,         -- sum of lag coefficients, sd of caused per sd of causing
    lead_lags VARCHAR,                -- JSON list of lags with |t| > 1.96
    transforms VARCHAR, ic VARCHAR, null_hypothesis VARCHAR,
    significant BOOLEAN,              -- q < analysis.fdr_alpha (BH across all tests of a run)
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (theme, freq, causing, caused)
);
CREATE TABLE IF NOT EXISTS feedback_verdicts (
    theme VARCHAR PRIMARY KEY,
    verdict VARCHAR, n_tests INTEGER, skipped VARCHAR, notes VARCHAR,
    computed_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS event_studies (
    theme VARCHAR NOT NULL,
    signal VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    horizon INTEGER NOT NULL,
    mean_car DOUBLE, lower DOUBLE, upper DOUBLE, placebo_lower DOUBLE, placebo_upper DOUBLE,
    n_events INTEGER, n_obs INTEGER, threshold DOUBLE,
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (theme, signal, freq, horizon)
);
CREATE TABLE IF NOT EXISTS context (
    theme VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    ytd_return DOUBLE, benchmark_ytd_return DOUBLE,
    streak INTEGER, streak_start DATE, streak_longest_since DATE,
    rsi14 DOUBLE, return_vs_other_3m DOUBLE,
    seasonal_window VARCHAR, seasonal_mean DOUBLE, seasonal_years INTEGER,
    notes VARCHAR,
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (theme, as_of)
);
"""

# Mentions and sentiment per theme, UTC day and source (attention.derive.aggregate.theme_daily over the
# items table), kept current by the backfill for the days it imported (attention/derive/theme_daily.py).
THEME_DAILY = """
CREATE TABLE IF NOT EXISTS theme_daily (
    theme VARCHAR NOT NULL,
    day DATE NOT NULL,
    source VARCHAR NOT NULL,
    mentions BIGINT,
    scored BIGINT,
    sentiment_mean DOUBLE,
    sentiment_weighted DOUBLE,
    pos_share DOUBLE,
    neg_share DOUBLE,
    engagement DOUBLE,
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (theme, day, source)
);
"""

# VAR impulse responses behind each theme's verdict (attention.analysis.feedback), replaced theme
# by theme with the other analysis results.
IMPULSE_RESPONSES = """
CREATE TABLE IF NOT EXISTS impulse_responses (
    theme VARCHAR NOT NULL,
    freq VARCHAR NOT NULL,
    impulse VARCHAR NOT NULL,
    response VARCHAR NOT NULL,
    horizon INTEGER NOT NULL,
    irf DOUBLE, lower DOUBLE, upper DOUBLE,
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (theme, freq, impulse, response, horizon)
);
"""

# What each collector run, import and backfill actually watched (DESIGN.md 4.14): a source, the
# unit it watched (a subreddit, feed, search term, ticker, article) and the half-open UTC time span
# [span_start, span_end). A period outside every span of a unit was not observed: panels show it
# as missing, never as zero. Written in the same transaction as the data it describes; a failed
# or soft-blocked fetch writes none. ``origin`` says what recorded it (collect, import, backfill).
COVERAGE = """
CREATE TABLE IF NOT EXISTS coverage (
    source VARCHAR NOT NULL,
    unit_kind VARCHAR NOT NULL,       -- subreddit | feed | query | term | ticker | article | ...
    unit VARCHAR NOT NULL,
    span_start TIMESTAMPTZ NOT NULL,
    span_end TIMESTAMPTZ NOT NULL,
    origin VARCHAR NOT NULL,          -- collect | import | backfill
    items BIGINT,                     -- how many records the span yielded (0 is a real zero)
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (source, unit_kind, unit, span_start, span_end)
);
"""

# What the input checks (attention.checks) found, per check and input: step series, frozen
# feeds, missing sessions, partial bars, holiday-dated records, thin baskets. Replaced per check
# each time the checks run (attention.derive.checks); shown by status, the report and exports.
DATA_FLAGS = """
CREATE TABLE IF NOT EXISTS data_flags (
    check_name VARCHAR NOT NULL,      -- step_series | frozen_feed | missing_sessions | ...
    subject VARCHAR NOT NULL,         -- a ticker, search term, theme
    detail VARCHAR NOT NULL,          -- what was found and what was done, in words
    first_date DATE,
    last_date DATE,
    severity VARCHAR NOT NULL,        -- warning | error
    detected_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (check_name, subject, detail)
);
"""

# Imports (issue 16): a price bar read before its session closed is kept but flagged, and any dated
# series a user brings (mentions per ticker, a fear-and-greed index, page views from elsewhere) is
# stored by name with what it measures (``kind``) and whether it was computed from prices.
IMPORTS = """
ALTER TABLE prices ADD COLUMN IF NOT EXISTS is_partial BOOLEAN DEFAULT FALSE;
CREATE TABLE IF NOT EXISTS external_series (
    name VARCHAR NOT NULL,
    date DATE NOT NULL,
    value DOUBLE,
    kind VARCHAR NOT NULL,            -- attention | sentiment | volume
    price_derived BOOLEAN DEFAULT FALSE,
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (name, date)
);
"""

# Keyless sources (issue 17). Daily post and comment totals per subreddit from Arctic Shift's
# /api/time_series: the denominators that turn mention counts into "mentions per 1,000
# comments". ``metric`` is posts | comments. Re-read for a few days (the service fills late).
SUBREDDIT_VOLUME = """
CREATE TABLE IF NOT EXISTS subreddit_volume (
    subreddit VARCHAR NOT NULL,       -- lower case, without r/
    day DATE NOT NULL,
    metric VARCHAR NOT NULL,          -- posts | comments
    value BIGINT NOT NULL,
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (subreddit, day, metric)
);
"""

# Daily Wikipedia page views per article (Wikimedia REST API, agent=user). ``article`` is the
# title as configured; ``resolved`` the title the views were read under (after a redirect or a
# rename the old and the new title both count, summed per day).
PAGE_VIEWS = """
CREATE TABLE IF NOT EXISTS page_views (
    project VARCHAR NOT NULL,         -- en.wikipedia
    article VARCHAR NOT NULL,         -- as configured (spaces, not underscores)
    day DATE NOT NULL,
    views BIGINT NOT NULL,
    titles VARCHAR[],                 -- the titles whose views were summed
    provenance JSON,
    retrieved_at TIMESTAMPTZ,
    PRIMARY KEY (project, article, day)
);
"""

# Beside each Granger test (attention.analysis.granger / beyond): the effect in the led series'
# own units, the sample's dates, and the comparison with a price-only model.
FEEDBACK_TESTS_BEYOND_PRICE = """
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS effect_in_units DOUBLE;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS sample_start DATE;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS sample_end DATE;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS beyond_price VARCHAR;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS beyond_f_pvalue DOUBLE;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS beyond_mse_ratio DOUBLE;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS beyond_cw_pvalue DOUBLE;
"""

# Each Granger test re-run in subperiods (attention.analysis.stability).
FEEDBACK_TESTS_STABILITY = """
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS stability VARCHAR;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS break_pvalue DOUBLE;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS subperiods VARCHAR;
"""

# The F test's p-value under circular shifts (attention.analysis.nulls).
FEEDBACK_TESTS_SHIFT_PVALUE = """
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS shift_pvalue DOUBLE;
"""

# The dates each analysis result was computed from (attention.analysis.exclusions): first and last
# date of the analysed data, and on the verdict whether it was stale and what was excluded.
ASOF_DATA_SPAN = """
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS data_from DATE;
ALTER TABLE feedback_tests ADD COLUMN IF NOT EXISTS data_as_of DATE;
ALTER TABLE feedback_verdicts ADD COLUMN IF NOT EXISTS data_from DATE;
ALTER TABLE feedback_verdicts ADD COLUMN IF NOT EXISTS data_as_of DATE;
ALTER TABLE feedback_verdicts ADD COLUMN IF NOT EXISTS stale BOOLEAN;
ALTER TABLE feedback_verdicts ADD COLUMN IF NOT EXISTS excluded VARCHAR;
ALTER TABLE event_studies ADD COLUMN IF NOT EXISTS data_from DATE;
ALTER TABLE event_studies ADD COLUMN IF NOT EXISTS data_as_of DATE;
ALTER TABLE impulse_responses ADD COLUMN IF NOT EXISTS data_from DATE;
ALTER TABLE impulse_responses ADD COLUMN IF NOT EXISTS data_as_of DATE;
"""

# Market context as-of honesty (attention.analysis.context.MarketContext): the first date of the
# data, the date asked for, whether the data lags it (and by how many NYSE sessions), the sessions
# inside the beat streak without a close, and the share of a basket's weight priced on as_of.
CONTEXT_ASOF = """
ALTER TABLE context ADD COLUMN IF NOT EXISTS data_from DATE;
ALTER TABLE context ADD COLUMN IF NOT EXISTS requested DATE;
ALTER TABLE context ADD COLUMN IF NOT EXISTS stale BOOLEAN;
ALTER TABLE context ADD COLUMN IF NOT EXISTS stale_sessions INTEGER;
ALTER TABLE context ADD COLUMN IF NOT EXISTS streak_gaps VARCHAR;
ALTER TABLE context ADD COLUMN IF NOT EXISTS basket_weight DOUBLE;
"""

# (name, SQL). Append only.
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_core", CORE),
    ("0002_search_series", SEARCH_SERIES),
    ("news_0001_volume", NEWS_VOLUME),
    ("analysis_results_v1", ANALYSIS_RESULTS),
    ("backfill_0001_theme_daily", THEME_DAILY),
    ("analysis_results_v2_irf", IMPULSE_RESPONSES),
    ("coverage_0001_spans", COVERAGE),
    ("truthful_0001_data_flags", DATA_FLAGS),
    ("imports_0001_partial_bars_external_series", IMPORTS),
    ("sources_0001_subreddit_volume", SUBREDDIT_VOLUME),
    ("sources_0002_page_views", PAGE_VIEWS),
    ("stats_0001_beyond_price", FEEDBACK_TESTS_BEYOND_PRICE),
    ("stats_0002_stability", FEEDBACK_TESTS_STABILITY),
    ("stats_0003_shift_pvalue", FEEDBACK_TESTS_SHIFT_PVALUE),
    # Parallel to items.themes: each theme's weight for the item (attention.themes.evidence_weights).
    # NULL for items matched before this migration (`attention rescore --themes` fills it).
    ("sentiment_0001_theme_weights", "ALTER TABLE items ADD COLUMN IF NOT EXISTS theme_weights DOUBLE[];"),
    # Mentions counted with their theme weights (a mention split between two baskets is half in
    # each): attention.derive.aggregate. Filled when theme_daily is next refreshed.
    (
        "themew_0001_theme_daily_weighted_mentions",
        "ALTER TABLE theme_daily ADD COLUMN IF NOT EXISTS weighted_mentions DOUBLE;",
    ),
    ("asof_0001_data_span", ASOF_DATA_SPAN),
    ("truth_0001_context_asof", CONTEXT_ASOF),
]
