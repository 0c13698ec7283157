"""Bad input (issue 10, part 4), property-based: config files, feeds (news and Reddit), Reddit
JSON, Google Trends JSON, dump lines and the CSV imports (trends-csv, flows-csv, reddit-dump).

Each target gets 500 generated inputs, mixing pure noise with near-valid documents (the shapes
that reach deep into a parser). The contract: a result, or an AttentionError subclass with a
message; never another exception; and an import that fails writes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import itertools
import json
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention.config import load_config, validate_config
from attention.errors import AttentionError, ConfigError, RetriableError
from attention.store import Store
from collectors.core.records import Provenance, TextItem
from collectors.reddit.items import AuthorPolicy, item_from_json, items_from_feed
from tests.reliability.conftest import Examples
from tests.reliability.snapshots import row_counts

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
EXAMPLES = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
PROV = Provenance("test://bad-input", "1", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
# Per-entry errors the collectors catch and count as one skipped entry (news_rss, the Reddit
# API mode, reddit_dump): anything else escaping a mapping function fails the whole source.
ENTRY_ERRORS = (ValueError, TypeError, KeyError, OverflowError)

# -- strategies ---------------------------------------------------------------------------------
words = st.text(alphabet=string.ascii_letters + string.digits + " _-:/.&<>'\"=;,\n\t", max_size=30)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    words,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(words, inner, max_size=4)),
    max_leaves=12,
)
REDDIT_KEYS = [
    "id",
    "name",
    "title",
    "selftext",
    "body",
    "link_id",
    "parent_id",
    "subreddit",
    "created_utc",
    "author",
    "score",
    "num_comments",
    "permalink",
]
reddit_objects = st.dictionaries(st.sampled_from(REDDIT_KEYS), json_values, max_size=10)


@functools.cache
def _packaged_config() -> dict[str, Any]:
    """Parsed once: a fresh parse for each of 500 examples was half of the test's time."""
    return yaml.safe_load((REPO / "config.yaml").read_text())


@st.composite
def yaml_config_texts(draw: st.DrawFn) -> str:
    """The packaged config with random keys replaced, removed or added, or pure noise."""
    raw = copy.deepcopy(_packaged_config())
    for _ in range(draw(st.integers(1, 4))):
        node, path = raw, []
        while isinstance(node, dict) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node, key=str)))
            path.append(key)
            parent, node = node, node[key]
        if not path:
            raw[draw(words)] = draw(json_values)
            continue
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(words)] = draw(json_values)
    text = yaml.safe_dump(raw, sort_keys=False)
    return draw(
        st.one_of(
            st.just(text),
            st.text(max_size=300),
            st.builds(lambda a, b: text[:a] + b, st.integers(0, len(text)), words),
        )
    )


def _rss(entries: list[dict[str, str]], atom: bool) -> str:
    if atom:
        body = "".join(
            "<entry>" + "".join(f"<{k}>{v}</{k}>" for k, v in e.items()) + "</entry>" for e in entries
        )
        return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'
    body = "".join("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in e.items()) + "</item>" for e in entries)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


FEED_FIELDS = [
    "title",
    "link",
    "guid",
    "id",
    "pubDate",
    "published",
    "updated",
    "description",
    "summary",
    "content",
    "author",
    "source",
    "category",
]
field_values = st.one_of(
    words,
    st.sampled_from(
        [
            "Mon, 01 Jan 2024 10:00:00 GMT",
            "2024-13-45T99:99:99Z",
            "9999-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "<![CDATA[<b>x</b>]]>",
            "&amp;&lt;&#0;&#xFFFF;",
            "<a href='j'>x</a>",
            "https://news.google.com/rss/articles/CBMi" + "A" * 40,
            "/r/stocks/comments/abc/x/def/",
            '<a href="https://www.reddit.com/user/x">/u/x</a> [7 comments]',
            "-1e400",
        ]
    ),
)


@st.composite
def feed_bytes(draw: st.DrawFn) -> bytes:
    entries = draw(
        st.lists(st.dictionaries(st.sampled_from(FEED_FIELDS), field_values, max_size=6), max_size=4)
    )
    text = _rss(entries, draw(st.booleans()))
    cut = draw(st.integers(0, len(text)))
    return draw(st.one_of(st.just(text.encode()), st.just(text[:cut].encode()), st.binary(max_size=300)))


def _multiline(points: list[Any]) -> str:
    return ")]}',\n" + json.dumps({"default": {"timelineData": points}})


# Well-typed points (bad shapes: lengths, flags, extra keys); ill-typed points are tested in
# test_trends_ill_typed_points.
trends_points = st.lists(
    st.fixed_dictionaries(
        {"time": st.integers(-(10**10), 10**10).map(str), "value": st.lists(st.integers(0, 100), max_size=3)},
        optional={"isPartial": json_values, "hasData": json_values, "formattedValue": json_values},
    ),
    max_size=5,
)
trends_bodies = st.one_of(
    trends_points.map(_multiline),
    st.text(max_size=200),
    st.dictionaries(words, json_values).map(lambda v: ")]}'\n" + json.dumps(v)),
)

DATES = ["2024-01-07", "2024-1-7", "2024-02-30", "07/01/2024", "", "2024-01", "0001-01-01", "9999-12-31"]
VALUES = ["45", "<1", "100", "", "-3", "1e309", "nan", "abc", "0"]


@st.composite
def trends_csv_texts(draw: st.DrawFn) -> str:
    unit = draw(st.sampled_from(["Week", "Day", "Month", "week", "Year", ""]))
    terms = draw(st.lists(st.one_of(words, st.just("small cap stocks")), min_size=0, max_size=3))
    region = draw(st.sampled_from(["(United States)", "(Worldwide)", "(Atlantis)", "", "("]))
    header = ",".join([unit, *(f"{t}: {region}" for t in terms)])
    rows = [
        ",".join(
            [
                draw(st.sampled_from(DATES)),
                *(draw(st.sampled_from(VALUES)) for _ in range(draw(st.integers(0, 4)))),
            ]
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    text = "\n".join(["Category: All categories", "", header, *rows])
    return draw(st.one_of(st.just(text), st.text(max_size=200)))


@st.composite
def flows_csv_texts(draw: st.DrawFn) -> str:
    header = draw(
        st.sampled_from(
            [
                "date,ticker,flow_usd",
                "ticker,date,flow_usd",
                "date,flow",
                "Date,Ticker,Flow_USD",
                "",
                "date,ticker,flow_usd,extra",
            ]
        )
    )
    rows = [
        ",".join(
            draw(
                st.one_of(
                    st.sampled_from(DATES),
                    st.sampled_from(["IWM", "", "iwm", "$X", "=1+2"]),
                    st.sampled_from(VALUES + ["1,5", "1e3"]),
                )
            )
            for _ in range(draw(st.integers(0, 4)))
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    return draw(st.one_of(st.just("\n".join([header, *rows])), st.text(max_size=200)))


dump_lines = st.one_of(
    reddit_objects.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=100),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
)


# -- parsers ------------------------------------------------------------------------------------
@EXAMPLES
@given(yaml_config_texts())
def test_config_files(examples: Examples, tmp_path: Path, text: str) -> None:
    examples.tick()
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        # as `attention run --store X` does, and with an environment override
        load_config(
            path,
            overrides={"store.path": str(tmp_path / "s.duckdb")},
            environ={"ATTENTION__SOURCES__NEWS__BUDGET": "7"},
        )
    except ConfigError as exc:
        # one line per problem, each naming where its value came from (the file here)
        lines = str(exc).strip().splitlines()
        assert lines and all(line.startswith(str(path)) for line in lines), exc


@EXAMPLES
@given(json_values)
def test_config_mappings(examples: Examples, raw: Any) -> None:
    examples.tick()
    try:
        validate_config(raw)
    except ConfigError as exc:
        assert str(exc)


@EXAMPLES
@given(feed_bytes())
def test_news_feeds(examples: Examples, content: bytes) -> None:
    examples.tick()
    from collectors.news.parse import FeedSpec, entry_to_item
    from collectors.news.rss import parse_feed

    try:
        parsed = parse_feed(content, {"Content-Type": "application/rss+xml"})
    except AttentionError:
        return
    feed = FeedSpec("http://feed.example/rss", "feed", "custom", "small_caps")
    for entry in parsed.entries:
        try:
            item = entry_to_item(
                entry,
                feed,
                feed_title=parsed.title,
                version="1",
                fetched_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
            )
        except ENTRY_ERRORS:
            continue  # counted as a skipped entry by the collector
        assert item is None or (isinstance(item, TextItem) and item.created_utc.tzinfo)


@EXAMPLES
@given(feed_bytes())
def test_reddit_feeds(examples: Examples, content: bytes) -> None:
    examples.tick()
    try:
        items, skipped = items_from_feed(
            content, "http://r.example/r/stocks/new.rss", PROV, AuthorPolicy(salt="s"), {}
        )
    except AttentionError:
        return
    assert skipped >= 0 and all(i.item_id.startswith(("t1_", "t3_")) for i in items)


# feedparser raises UnicodeEncodeError on a character reference to a surrogate (&#xD800;); the
# collectors must skip that one feed (an AttentionError), not fail with 'internal error'.
SURROGATE_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
    b"<title>&#xD800;</title><link>https://x.example/1</link></item></channel></rss>"
)


def test_news_feed_with_surrogate_reference() -> None:
    from collectors.news.rss import parse_feed

    parsed = parse_feed(SURROGATE_FEED, {})
    assert [e.title for e in parsed.entries] == ["\ufffd"]  # replaced, the entry kept


def test_reddit_feed_with_surrogate_reference() -> None:
    items, skipped = items_from_feed(
        SURROGATE_FEED, "http://r.example/r/stocks/new.rss", PROV, AuthorPolicy(salt="s"), {}
    )
    # an RSS item without Reddit's id and date is counted as skipped, not a crash
    assert (items, skipped) == ([], 1)


def test_surrogate_references_keep_the_rest_of_the_feed() -> None:
    from collectors.news.rss import parse_feed

    feed = SURROGATE_FEED.replace(b"&#xD800;", b"a &#xD83D;&#56832; b &#55296;")
    parsed = parse_feed(feed, {})
    assert [e.title for e in parsed.entries] == ["a \U0001f600 b \ufffd"]


@pytest.mark.parametrize(
    "error", [UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), RecursionError("deep")]
)
def test_feedparser_failures_skip_only_that_feed(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    import feedparser

    from collectors.core.feeds import FeedUnparseableError
    from collectors.news.rss import parse_feed

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(feedparser, "parse", broken)
    with pytest.raises(FeedUnparseableError, match=type(error).__name__):
        parse_feed(b"<rss/>", {})
    with pytest.raises(FeedUnparseableError, match=type(error).__name__):
        items_from_feed(b"<rss/>", "http://r.example/r/stocks/new.rss", PROV, AuthorPolicy(salt="s"), {})


@EXAMPLES
@given(reddit_objects, st.sampled_from(["post", "comment"]))
def test_reddit_json(examples: Examples, data: dict[str, Any], kind: str) -> None:
    examples.tick()
    try:
        item = item_from_json(data, kind, PROV, AuthorPolicy(salt="s"))
    except ENTRY_ERRORS:
        return  # documented: the caller counts a bad item and goes on
    assert item.created_utc.tzinfo is not None and item.item_id[:3] in ("t1_", "t3_")
    assert isinstance(item.title, str) and isinstance(item.body, str)


@EXAMPLES
@given(trends_bodies, st.integers(1, 3))
def test_trends_json(examples: Examples, raw: str, n_terms: int) -> None:
    examples.tick()
    from collectors.google_trends.protocol import parse_multiline

    try:
        parse_multiline(raw, [f"term{i}" for i in range(n_terms)])
    except AttentionError as exc:
        assert str(exc)


# Ill-typed points (not an object, no 'time', a time or value that is not a number) must be
# the RetriableError 'the protocol may have changed', not an 'internal error' of the source.
@pytest.mark.parametrize(
    "timeline",
    [
        [None],
        "abc",
        {"a": 1},
        [{"value": [1]}],
        [{"time": "", "value": [0]}],
        [{"time": "0", "value": [""]}],
        [{"time": "0", "value": [None]}],
    ],
)
def test_trends_ill_typed_points(timeline: Any) -> None:
    from collectors.google_trends.protocol import parse_multiline

    with pytest.raises(RetriableError, match="the protocol may have changed"):
        parse_multiline(_multiline(timeline), ["term"])


@EXAMPLES
@given(dump_lines)
def test_dump_lines(examples: Examples, line: str) -> None:
    examples.tick()
    from attention.imports.dump_files import parse_dump_line

    try:
        item = parse_dump_line(line, authors=AuthorPolicy(salt="s"))
    except AttentionError as exc:
        assert str(exc)
        return
    assert item is None or isinstance(item, TextItem)


@EXAMPLES
@given(trends_csv_texts())
def test_trends_csv_parse(examples: Examples, text: str) -> None:
    examples.tick()
    from attention.imports.trends_export import parse_multitimeline

    # The import reads files with universal newlines (Path.read_text); a bare "\r" handed to
    # the parser directly makes csv.reader raise csv.Error (noted in the report).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        parse_multitimeline(text)
    except AttentionError as exc:
        assert "multiTimeline.csv" in str(exc)


# A week or month running past 9999-12-31 (its end date overflows) is a TrendsImportError
# naming the line, not a traceback from `attention import trends-csv`.
@pytest.mark.parametrize(
    ("unit", "date"), [("Week", "9999-12-31"), ("Week", "9999-12-26"), ("Month", "9999-12")]
)
def test_trends_csv_last_representable_week(unit: str, date: str) -> None:
    from attention.imports.trends_export import TrendsImportError, parse_multitimeline

    with pytest.raises(TrendsImportError, match="multiTimeline.csv line 4"):
        parse_multitimeline(f"Category: All categories\n\n{unit},stocks: (United States)\n{date},45\n")


# -- imports into a store: all or nothing -------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("bad-input") / "store.duckdb") as opened:
        yield opened


@pytest.fixture(scope="module")
def config() -> Any:
    raw = yaml.safe_load((REPO / "config.yaml").read_text())
    return validate_config(raw)


@EXAMPLES
@given(flows_csv_texts())
def test_flows_csv_import(examples: Examples, tmp_path: Path, store: Store, text: str) -> None:
    examples.tick()
    from attention.imports.flows_csv import read_flows_csv

    path = tmp_path / "flows.csv"
    path.write_text(text, encoding="utf-8")
    before = row_counts(store)
    try:
        records = read_flows_csv(path)
    except AttentionError as exc:
        assert str(path) in str(exc)
        assert row_counts(store) == before
        return
    store.write(records)
    assert records and row_counts(store)["flows"] >= before["flows"]


@EXAMPLES
@given(trends_csv_texts())
def test_trends_csv_import(examples: Examples, tmp_path: Path, store: Store, config: Any, text: str) -> None:
    examples.tick()
    from attention.imports.trends_csv import import_trends_csv

    path = tmp_path / "multiTimeline.csv"
    path.write_text(text, encoding="utf-8")
    before = row_counts(store)
    try:
        import_trends_csv(store, config, path)
    except AttentionError:
        assert row_counts(store) == before


_FILE_NUMBERS = itertools.count()


@EXAMPLES
@given(st.lists(dump_lines, max_size=6))
def test_reddit_dump_import(
    examples: Examples, tmp_path: Path, store: Store, config: Any, lines: list[str]
) -> None:
    examples.tick()
    from attention.imports.reddit_dump import import_dumps

    path = tmp_path / f"RS_2024-01-{next(_FILE_NUMBERS)}.ndjson"  # a new file each time
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    before = row_counts(store)
    try:
        result = import_dumps([path], config, store, authors=AuthorPolicy(salt="s"))
    except AttentionError:
        assert row_counts(store).get("items") == before.get("items")
        return
    assert result.bad_lines <= len(lines)
