"""Outputs users consume as files: tidy CSV/Parquet exports, PNG charts and one self-contained
HTML report per run date. Everything here reads the store (and the analysis results persisted
in it); nothing here touches the network or changes collected data.

* :mod:`attention.report.tables`, :mod:`~attention.report.tables_analysis`  the export tables
  and their documented, stable columns (docs/exports.md)
* :mod:`attention.report.export`  writing/reading the exports (CSV formula injection escaped)
* :mod:`attention.report.data`  what the charts and the report show, gathered once
* :mod:`attention.report.charts`, :mod:`~attention.report.charts_analysis`  the PNG charts
* :mod:`attention.report.verdicts`  the one-line loop verdict per theme
* :mod:`attention.report.html`, :mod:`~attention.report.html_sections`  the HTML report
* :mod:`attention.report.steps`  the post-run steps `attention run` calls
"""
