"""Outputs users consume as files: tidy CSV/Parquet exports, PNG charts and one self-contained
HTML report per run date. Everything here reads the store (and the analysis results persisted
in it); nothing here touches the network or changes collected data.

* :mod:`attention.report.tables`  the export tables and their documented, stable columns
* :mod:`attention.report.export`  writing/reading the exports (CSV formula injection escaped)
* :mod:`attention.report.charts`  the PNG charts (matplotlib, Agg backend)
* :mod:`attention.report.html`    the HTML report
* :mod:`attention.report.steps`   the post-run steps `attention run` calls
"""
