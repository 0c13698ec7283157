"""Market data: daily price bars and ETF shares outstanding (the capital leg's raw input)."""
