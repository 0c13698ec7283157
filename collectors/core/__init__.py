"""What every collector shares: record types and the collector protocol (``records``), the
read-only questions a collector may ask about stored data (``lookups``), the one HTTP layer with
retries, pacing and budgets (``http``), HTML-to-text (``text``) and feed parsing (``feeds``).
Nothing here knows a particular source, the store or the analysis."""
