"""Generated hostile inputs for every import and every config path (issue 21): near-valid files
turned into bytes in other encodings (UTF-16 with and without BOM, UTF-32, Latin-1, CP1252),
with a huge field spliced in, numbers at the extremes (1e308, 2**63, 1e30, decimal commas,
NaN) and lone surrogates (as JSON escapes and as raw CESU-8 bytes).

The contract, for each of at least 500 examples per target: a result, or an AttentionError
with a one-line message naming the file or variable; never another exception; an import that
fails writes nothing, and one that succeeds writes without error (an unfit value is a skipped
item, never a failed batch). The test_bad_input.py targets stay; these add the byte level.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention.config import Config, load_config
from attention.errors import AttentionError, ConfigError, ItemError
from attention.store import Store
from collectors.reddit.items import AuthorPolicy
from tests.reliability.conftest import Examples

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
BASE_CONFIG = (REPO / "config.yaml").read_text(encoding="utf-8")
# Profiles: "ci" (the default) keeps the suite's run short; RELIABILITY.md is generated with
# ATTENTION_FUZZ_PROFILE=thorough, 500 examples per target (benchmarks/reliability_table.py).
FUZZ_PROFILE_ENV = "ATTENTION_FUZZ_PROFILE"
PROFILE_EXAMPLES = {"ci": 40, "thorough": 500}
HOSTILE = settings(
    max_examples=PROFILE_EXAMPLES[os.environ.get(FUZZ_PROFILE_ENV, "ci")],
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
_FILES = itertools.count()

# -- strategies -------------------------------------------------------------------------------------
EXTREMES = [
    "1e308", "-1e308", "1e309", "1e30", "-1e30", "9223372036854775808", "-9223372036854775809",
    "18446744073709551616", "1e-320", "-0", "0.0000001", "NaN", "inf", "-inf", "1.000,50", "1,5",
    "-2,25", "1,500", "1.500", "1 000,5", "1'000.5", "0x10", "\u0663", "\uff11\uff12", "",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]
SURROGATE_TEXT = ["\\ud800", "\\udfff", "\\ud83d", "a\\udc00b"]  # as JSON escapes
numbers = st.one_of(st.sampled_from(EXTREMES), st.integers(-(10**25), 10**25).map(str), st.floats().map(repr))
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@st.composite
def to_bytes(draw: st.DrawFn, text: str) -> bytes:
    """``text`` spoiled at the byte level: a huge field, a raw surrogate, another encoding."""
    if draw(st.integers(0, 9)) == 0:  # a field far over the csv module's 131,072 limit
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "x" * draw(st.sampled_from([131_073, 300_000])) + text[at:]
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.integers(0, 5)) == 0:  # a lone surrogate as (invalid) CESU-8 bytes
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xed\xa0\x80" + data[at:]
    return data


def _csv(header: str, cells: list[list[str]]) -> str:
    return "\n".join([header, *(",".join(f'"{c}"' if "," in c else c for c in row) for row in cells)]) + "\n"


@st.composite
def flows_files(draw: st.DrawFn) -> bytes:
    dates = st.sampled_from(["2024-01-02", "2024-01-03", "0001-01-01", "9999-12-31", "2024-02-30", ""])
    rows = draw(
        st.lists(st.lists(st.one_of(dates, st.sampled_from(["IWM", "SPY"]), numbers), max_size=4), max_size=6)
    )
    rows = [
        [draw(dates), draw(st.sampled_from(["IWM", "SPY"])), draw(numbers)] if i % 2 else r
        for i, r in enumerate(rows)
    ]
    return draw(to_bytes(_csv("date,ticker,flow_usd", rows)))


@st.composite
def trends_files(draw: st.DrawFn) -> bytes:
    terms = draw(st.lists(st.one_of(words, st.just("small cap stocks")), min_size=1, max_size=4))
    header = ",".join(["Week", *(f"{t}: (United States)" for t in terms)])
    weeks = [dt.date(2024, 1, 7) + dt.timedelta(weeks=n) for n in range(draw(st.integers(0, 6)))]
    rows = [[str(w), *(draw(st.one_of(numbers, st.just("<1"))) for _ in terms)] for w in weeks]
    return draw(to_bytes("Category: All categories\n\n" + _csv(header, rows)))


@st.composite
def dump_files(draw: st.DrawFn) -> bytes:
    lines = []
    for n in range(draw(st.integers(1, 5))):
        title = draw(st.one_of(st.just("AI stocks: Nvidia beats"), words, st.sampled_from(SURROGATE_TEXT)))
        obj = {"id": f"x{n}", "title": "", "subreddit": "stocks", "author": draw(words)}
        obj["created_utc"] = json.loads(
            draw(st.sampled_from(["1700000000", "1e30", "-1e30", '"1700000000"']))
        )
        obj["score"] = json.loads(
            draw(st.sampled_from(["1", "1e30", "9223372036854775808", "-1e300", "null"]))
        )
        line = json.dumps(obj).replace('"title": ""', f'"title": "{title}"')
        lines.append(line)
    return draw(to_bytes("\n".join(lines) + "\n"))


@st.composite
def news_lines(draw: st.DrawFn) -> bytes:
    title = draw(st.one_of(st.just("AI stocks rally"), words, st.sampled_from(SURROGATE_TEXT)))
    when = draw(st.sampled_from(["2024-01-02T00:00:00Z", "1e30", "0001-01-01", "9999-12-31T23:59:59Z", ""]))
    link = draw(st.sampled_from(["http://x.test/1", "", "javascript:alert(1)", "http://x.test/\\ud800"]))
    return draw(to_bytes(f'{{"title": "{title}", "published": "{when}", "link": "{link}"}}\n'))


@st.composite
def series_files(draw: st.DrawFn) -> bytes:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(draw(st.integers(0, 8)))]
    return draw(to_bytes(_csv("date,Close", [[str(d), draw(numbers)] for d in days])))


@st.composite
def config_files(draw: st.DrawFn) -> bytes:
    text = BASE_CONFIG
    spoil = draw(st.sampled_from(["number", "label", "date", "alias", "tag", "none"]))
    if spoil == "number":
        text = text.replace("budget: 40", f"budget: {draw(numbers)}", 1)
    elif spoil == "label":
        text = text.replace(
            "label: Small caps", f'label: "{draw(st.sampled_from(SURROGATE_TEXT))}{draw(words)}"', 1
        )
    elif spoil == "date":
        text = text.replace(
            "2021-01-01", draw(st.sampled_from(["2021-02-30", "0000-01-01", "9999-12-31", "1e30"])), 1
        )
    elif spoil == "alias":
        text += "x: &x [1, 2]\ny: [*x, *x, *x]\n" * draw(st.integers(1, 3))
    elif spoil == "tag":
        text += draw(
            st.sampled_from(["z: !!python/tuple [1]\n", "z: !!binary aGk=\n", "z: !!set {a}\n", "z: !x 1\n"])
        )
    return draw(to_bytes(text))


ENV_KEYS = ["ATTENTION__", "ATTENTION____", "ATTENTION__STORE__PATH", "ATTENTION__SOURCES__NEWS__BUDGET",
            "ATTENTION__THEMES", "ATTENTION__ANALYSIS__HISTORY_START", "ATTENTION__X\u00e9"]  # fmt: skip
env_values = st.one_of(
    numbers,
    words,
    st.sampled_from(["[", "{a: *b}", "!!python/name:os.system", "2021-02-30", "&a [*a]", '"\\ud800"']),
)


# -- targets -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("hostile") / "store.duckdb") as opened:
        yield opened


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml", environ={})


@pytest.fixture(scope="module")
def annotator(config: Config) -> Any:
    """The pipeline's themes + sentiment, built once (it loads the lexicon)."""
    from attention.imports.reddit_dump import default_annotator

    return default_annotator(config)


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / f"{next(_FILES)}-{name}"
    path.write_bytes(data)
    return path


def _counts(store: Store, table: str) -> int:
    return store.count(table)


def _one_line(exc: AttentionError, names: str) -> None:
    """One line per problem, each naming the file (a config lists every problem it has)."""
    lines = str(exc).splitlines()
    assert lines and all(names in line for line in lines), str(exc)[:2000]


@HOSTILE
@given(flows_files())
def test_hostile_flows_csv(examples: Examples, tmp_path: Path, store: Store, data: bytes) -> None:
    examples.tick()
    from attention.imports.flows_csv import read_flows_csv

    path, before = _file(tmp_path, "flows.csv", data), _counts(store, "flows")
    try:
        records = read_flows_csv(path)
    except AttentionError as exc:
        _one_line(exc, str(path))
        assert _counts(store, "flows") == before
        return
    store.write(records)


@HOSTILE
@given(trends_files())
def test_hostile_trends_csv(
    examples: Examples, tmp_path: Path, store: Store, config: Config, data: bytes
) -> None:
    """`import trends-csv` up to the store write (the stitching after it is tested elsewhere)."""
    examples.tick()
    from attention.imports.text_files import read_text
    from attention.imports.trends_export import parse_multitimeline

    path, before = _file(tmp_path, "multiTimeline.csv", data), _counts(store, "search_interest")
    try:
        timeline = parse_multitimeline(read_text(path), path.name)
    except AttentionError as exc:
        _one_line(exc, path.name)
        assert _counts(store, "search_interest") == before
        return
    store.write(timeline.points)


@HOSTILE
@given(dump_files())
def test_hostile_reddit_dump(
    examples: Examples, tmp_path: Path, store: Store, config: Config, annotator: Any, data: bytes
) -> None:
    examples.tick()
    from attention.imports.reddit_dump import import_dumps

    path, before = _file(tmp_path, "RS_2024-01.ndjson", data), _counts(store, "items")
    try:
        result = import_dumps([path], config, store, annotate=annotator, authors=AuthorPolicy(salt="s"))
    except AttentionError as exc:
        _one_line(exc, path.name)
        assert _counts(store, "items") == before
        return
    assert result.bad_lines <= result.candidates
    assert store.count("items") >= before


@HOSTILE
@given(news_lines())
def test_hostile_news_archive(examples: Examples, store: Store, data: bytes) -> None:
    """The backfill's per-line parser: an item the store accepts, None, or one skipped item."""
    examples.tick()
    from attention.imports.news_archive import parse_news_line

    try:
        item = parse_news_line(data.strip(), "archive.ndjson", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    except ItemError:
        return
    if item is not None:
        store.write([item])


@HOSTILE
@given(series_files())
def test_hostile_series_csv(examples: Examples, tmp_path: Path, data: bytes) -> None:
    """The files of `attention backtest preis`."""
    examples.tick()
    from attention.analysis.errors import AnalysisInputError
    from attention.analysis.preis import clean_series
    from attention.imports.series_csv import read_series_csv

    path = _file(tmp_path, "prices.csv", data)
    try:
        clean_series(read_series_csv(path, prefer=("Close",)), "prices")
    except AnalysisInputError:
        return
    except AttentionError as exc:
        _one_line(exc, str(path))


@HOSTILE
@given(config_files())
def test_hostile_config_files(examples: Examples, tmp_path: Path, data: bytes) -> None:
    examples.tick()
    path = _file(tmp_path, "config.yaml", data)
    try:
        load_config(path, environ={})
    except ConfigError as exc:
        _one_line(exc, str(path))
        assert all(line.isprintable() for line in str(exc).splitlines())


@HOSTILE
@given(st.dictionaries(st.sampled_from(ENV_KEYS), env_values, max_size=3), env_values)
def test_hostile_config_environment(examples: Examples, environ: dict[str, str], flag: str) -> None:
    """Environment variables and a CLI flag value (``--store``) over the packaged config."""
    examples.tick()
    try:
        load_config(REPO / "config.yaml", overrides={"store.path": flag}, environ=environ)
    except ConfigError as exc:
        assert all(line.isprintable() for line in str(exc).splitlines()), exc  # a line per problem
