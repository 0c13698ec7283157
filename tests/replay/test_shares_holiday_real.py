"""A shares-outstanding change dated on an exchange holiday (Good Friday 2022-04-15, -1.65M
shares), imported beside real IWM closes (issue 15): the change is counted in the flow of the
next session, never dropped, and the row's date is named in the data-quality flags that
`attention status`, the report and the exports show, and in the verdict's exclusions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from attention.cli import app
from attention.config import packaged_default_path

pytestmark = pytest.mark.shared
CUT = 1_650_000.0


def _shares(tmp_path: Path, with_monday: bool) -> Path:
    """A week of IWM shares around Good Friday: unchanged to Thursday, the cut dated Friday, and
    (``with_monday``) Monday's own row reporting the new level."""
    rows = [("2022-04-11", 272e6), ("2022-04-12", 272e6), ("2022-04-13", 272e6), ("2022-04-14", 272e6)]
    rows += [("2022-04-15", 272e6 - CUT)]
    rows += [("2022-04-18", 272e6 - CUT)] * with_monday + [("2022-04-19", 272e6 - CUT)]
    path = tmp_path / f"IWM_shares_{with_monday}.csv"
    path.write_text("date,shares_outstanding\n" + "".join(f"{d},{v}\n" for d, v in rows))
    return path


@pytest.mark.parametrize("with_monday", [False, True])
def test_a_holiday_dated_change_is_counted_and_named(
    shared_data: Path, tmp_path: Path, with_monday: bool
) -> None:
    raw = yaml.safe_load(packaged_default_path().read_text())
    raw["store"]["path"] = str(tmp_path / "store.duckdb")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    runner = CliRunner()
    iwm = shared_data / "prices_indices_yf_2000-2022" / "IWM.csv"
    assert runner.invoke(app, ["import", "prices", str(iwm), "-c", str(config)]).exit_code == 0
    result = runner.invoke(
        app, ["import", "shares", str(_shares(tmp_path, with_monday)), "--ticker", "IWM", "-c", str(config)]
    )
    assert result.exit_code == 0, result.output
    exported = runner.invoke(
        app, ["export", "-c", str(config), "--out", str(tmp_path / "exp"), "--format", "csv"]
    )
    assert exported.exit_code == 0, exported.output
    flows = pd.read_csv(tmp_path / "exp" / "flows.csv").set_index("date")
    close = pd.read_csv(iwm, index_col="Date").loc["2022-04-18", "Close"]
    # the cut is in Monday's flow (the session after Good Friday), at Monday's close
    assert flows.loc["2022-04-18", "flow_usd"] == pytest.approx(-CUT * close)
    assert "2022-04-15" not in flows.index
    flags = pd.read_csv(tmp_path / "exp" / "data_flags.csv")
    dated = flags[flags["check_name"] == "import_dates"]
    used = "moved to the next session, 2022-04-18, and counted in its flow"
    if with_monday:
        used = "the row of the next session, 2022-04-18, was used instead"
    assert dated["detail"].tolist() == [
        f"shares outstanding dated 2022-04-15, a day without a NYSE session: {used}"
    ]
    assert dated["subject"].tolist() == ["IWM"] and dated["first_date"].tolist() == ["2022-04-15"]
    status = runner.invoke(app, ["status", "-c", str(config), "--json"])
    assert status.exit_code == 0, status.output
    assert any(f["check_name"] == "import_dates" for f in json.loads(status.stdout)["data_flags"])
    # the verdict names it: "IWM (records dated on days without a session, ..., 2022-04-15)"
    analyzed = runner.invoke(app, ["analyze", "-c", str(config), "--json"])
    assert analyzed.exit_code == 0, analyzed.output
    small = json.loads(analyzed.stdout)["themes"]["small_caps"]
    assert (
        "IWM (records dated on days without a session, used from the next session, 2022-04-15)"
        in (small["excluded"])
    )
