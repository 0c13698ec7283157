"""Security checks that need no network (issue 10, part 5): SQL is parameterised (an AST lint
over our code plus hostile values through the store), CSV exports neutralise formulas, secrets
are redacted and never read from the config file, authors are hashed by default. The end-to-end
scans (pipeline, CLI, report) are in tests/reliability/test_security_e2e.py."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from attention.config import Secrets, validate_config
from attention.daily.collect import redact
from attention.errors import ConfigError
from attention.store import Store
from collectors.core.records import Provenance, TextItem
from collectors.reddit.items import AuthorPolicy

REPO = Path(__file__).resolve().parents[2]
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|CREATE|DROP|ALTER|FROM|SET)\b")

# f-string SQL that interpolates something, reviewed: each entry is (file, expression) and the
# expression is an identifier of our own schema, a list of "?" placeholders, or an SQL fragment
# built from those, never a value. New entries need the same review; values go in parameters.
REVIEWED_SQL_INTERPOLATIONS = {
    # upsert/integrity/count over our own tables; columns come from the table's catalog
    ("attention/store/core.py", "table"),
    ("attention/store/core.py", "select"),
    ("attention/store/core.py", "', '.join(key)"),
    ("attention/store/core.py", "conflict"),
    ("attention/store/core.py", "', '.join(updates)"),
    ("attention/store/checks.py", "table"),
    ("attention/store/checks.py", "cols"),
    # an int we compute (DuckDB's SET takes no parameters); a column name from DATE_CURSORS
    ("attention/store/core.py", "sample"),
    ("attention/store/checks.py", "key_column"),
    # analysis results replaced per theme: table names from RESULT_TABLES, columns from frames
    # the analysis builds itself
    ("attention/store/outputs.py", "table"),
    ("attention/store/outputs.py", "cols"),
    # "?, ?, ?" placeholder lists sized to the parameters, and the fixed column list of items
    ("attention/store/panel_inputs.py", "_marks(tickers)"),
    ("attention/store/panel_inputs.py", "_marks(MENTION_SOURCES)"),
    ("attention/store/panel_inputs.py", "_marks(terms)"),
    ("attention/store/panel_inputs.py", "_marks(names)"),
    # what an import finds stored: a table checked by _known, columns and types from its catalog
    ("attention/store/imported.py", "table"),
    ("attention/store/imported.py", "select"),
    ("attention/store/imported.py", "join"),
    ("attention/store/lookups.py", "by_id"),
    ("attention/store/lookups.py", "_STORED_ITEM_COLUMNS"),
    # export readers: fixed table names/column lists from the export specs, a NULL literal
    ("attention/store/exports.py", "author"),
    ("attention/store/exports.py", "fetched"),
    ("attention/store/exports.py", "join"),
    ("attention/store/exports.py", "table"),
    ("attention/store/exports.py", "cols"),
    ("attention/store/exports.py", "by"),
}


def _code_files() -> list[Path]:
    return sorted(p for top in ("attention", "collectors") for p in (REPO / top).rglob("*.py"))


def _sql_interpolations(path: Path) -> list[tuple[int, str]]:
    """(line, expression) for every value interpolated into SQL-looking text: f-strings,
    ``%`` formatting, ``.format()`` and ``+`` concatenation."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL_WORDS.search(text):
                found += [
                    (node.lineno, ast.unparse(v.value))
                    for v in node.values
                    if isinstance(v, ast.FormattedValue)
                ]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if (
                    isinstance(side, ast.Constant)
                    and isinstance(side.value, str)
                    and SQL_WORDS.search(side.value)
                    and not isinstance(other, ast.Constant)
                    and not isinstance(other, ast.JoinedStr)
                ):
                    found.append((node.lineno, ast.unparse(other)))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
            and SQL_WORDS.search(node.func.value.value)
        ):
            found += [(node.lineno, ast.unparse(a)) for a in [*node.args, *node.keywords]]
    return found


def test_sql_never_interpolates_unreviewed_expressions() -> None:
    unreviewed = []
    for path in _code_files():
        rel = path.relative_to(REPO).as_posix()
        unreviewed += [
            f"{rel}:{line}: {expr}"
            for line, expr in _sql_interpolations(path)
            if (rel, expr) not in REVIEWED_SQL_INTERPOLATIONS
        ]
    assert unreviewed == [], (
        "SQL built by interpolation: pass values as parameters (con.execute(sql, [..])); if "
        "this is an identifier of our own schema, review it and add it to "
        f"REVIEWED_SQL_INTERPOLATIONS: {unreviewed}"
    )


def test_the_lint_catches_interpolated_values(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(con, name):\n"
        "    con.execute(f\"SELECT * FROM items WHERE title = '{name}'\")\n"
        '    con.execute("DELETE FROM items WHERE id = %s" % name)\n'
        '    con.execute("SELECT * FROM t WHERE a = {}".format(name))\n'
        '    con.execute("SELECT * FROM t WHERE a = \'" + name + "\'")\n'
    )
    assert [expr for _, expr in _sql_interpolations(bad)] == ["name"] * 4


HOSTILE = [
    "'); DROP TABLE items; --",
    "x' OR '1'='1",
    'Robert"); DELETE FROM runs; --',
    "\\'; SELECT 1; --",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>",
    "ünïcödé ✓ \u202e",
]


def _item(i: int, text: str) -> TextItem:
    stamp = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    return TextItem(
        "reddit",
        f"t3_h{i}",
        "post",
        stamp,
        text,
        text,
        f"https://x.example/{i}",
        Provenance("test://hostile", "1", stamp),
        author=text,
        container=text,
        score=1,
        themes=("small_caps",),
        compound=0.1,
    )


def test_hostile_values_are_stored_verbatim(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write([_item(i, text) for i, text in enumerate(HOSTILE)])
        stored = store.query("SELECT title, author, container FROM items ORDER BY item_id")
        assert set(store.tables()) >= {"items", "runs", "cursors"}
        assert store.integrity_problems() == []
    by_title = sorted(stored["title"])
    assert by_title == sorted(HOSTILE)
    assert (stored["title"] == stored["author"]).all()


def formula_cells(directory: Path) -> list[str]:
    """Cells of every CSV under ``directory`` that a spreadsheet would run as a formula
    (a leading trigger that is not simply a negative number)."""
    bad = []
    for path in sorted(directory.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell.startswith(FORMULA_TRIGGERS) and not _is_number(cell):
                        bad.append(f"{path.name}: {cell[:40]!r}")
    return bad


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_exports_neutralise_formulas(text: str, tmp_path: Path, default_config_path: Path) -> None:
    import yaml

    from attention.report import export

    config = validate_config(yaml.safe_load(default_config_path.read_text()))
    with Store(tmp_path / "s.duckdb") as store:
        store.write([_item(0, text), _item(1, "plain text")])
        export.export_store(store, config, tmp_path / "out", "csv")
    assert formula_cells(tmp_path / "out") == []
    back = export.read_export(tmp_path / "out" / "items.csv")
    assert sorted(back["title"]) == sorted([text, "plain text"])  # escaping undone on read


def test_redaction_and_secret_repr() -> None:
    secrets = Secrets(reddit_client_id="id-123456", reddit_client_secret="sec-abcdef", author_salt="salt-xyz")
    message = "401 for id-123456 with sec-abcdef (salt salt-xyz)"
    assert redact(message, secrets) == "401 for *** with *** (salt ***)"
    assert "sec-abcdef" not in repr(secrets) and "id-123456" not in repr(secrets)


@pytest.mark.parametrize("key", ["client_secret", "client_id", "api_key", "password", "token"])
def test_config_refuses_secrets_without_echoing_them(key: str, default_config_path: Path) -> None:
    import yaml

    raw = yaml.safe_load(default_config_path.read_text())
    raw["sources"]["reddit"][key] = "hunter2-very-secret"
    with pytest.raises(ConfigError) as caught:
        validate_config(raw)
    assert "environment" in str(caught.value) and "hunter2" not in str(caught.value)


def test_authors_hashed_by_default() -> None:
    policy = AuthorPolicy.from_settings(Secrets(author_salt="pepper"), store_names=False)
    hashed = policy.apply("SomeUser")
    assert hashed != "SomeUser" and hashed.startswith("u_")
    assert hashed == policy.apply("someuser")  # Reddit names are case-insensitive
    assert AuthorPolicy.from_settings(Secrets(author_salt="salt2"), False).apply("SomeUser") != hashed
    raw = AuthorPolicy.from_settings(Secrets(author_salt="x"), store_names=True)
    assert raw.apply("SomeUser") == "SomeUser"
