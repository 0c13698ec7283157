"""Files users bring: Reddit dumps, news archives, Google Trends exports, flow and series CSVs."""
