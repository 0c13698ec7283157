"""Sentiment scoring: VADER exact, the finance overlay, worker processes and evaluation."""

from attention.sentiment.scorer import SentimentScorer, get_scorer

__all__ = ["SentimentScorer", "get_scorer"]
