"""The daily batch: collect every enabled source, derive, analyze, export and report."""
