"""The learned part of the finance-3 scorer: a small linear model over VADER's own tokens.

A multinomial logistic regression (bearish / neutral / bullish) over binary word and word-pair
features plus three numbers from the rule-based scorer (VADER + finance overlay + trader rules:
its compound, pos and neg). So the rules' negation, intensifiers and emoji reach the model as
evidence, and the model learns how far to trust them against the words it saw in training.
Trained on the MIT-licensed Twitter Financial News train split only, by
``scripts/train_finance_model.py`` (fixed seed, no download); the weights ship as
``attention/data/finance_model.npz`` and are read with numpy alone.

Tokens are the whitespace tokens of the text the rule scorer read (emoji already turned into
words), lowercased with edge punctuation stripped; cashtags, numbers and links are folded into
placeholders so that the model learns "a ticker" rather than which tickers fell in 2022. Each
distinct raw token is normalised once: the finance-3 scorer keeps its word column in VADER's
token cache (:func:`attention.sentiment.finance3.build_rule_engine`), so a token costs the model
no lookup of its own.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from attention.errors import ConfigError

CLASSES = ("negative", "neutral", "positive")
DENSE = ("rule_compound", "rule_pos", "rule_neg")
_CACHE_LIMIT = 500_000
_EDGE = string.punctuation
_HASH_MULT = 0x9E3779B97F4A7C15  # Fibonacci hashing: the top bits of key * this (mod 2**64)
_U64 = (1 << 64) - 1
# The rule features are scaled up so the shared L2 penalty holds them back less than a word.
DENSE_SCALE = 4.0


def default_model_path() -> Path:
    return Path(str(resources.files("attention") / "data" / "finance_model.npz"))


def normalise_token(raw: str) -> str:
    """A raw whitespace token as the model sees it: lowercase, edge punctuation stripped;
    cashtags, links and numbers become placeholders."""
    if raw[:1] == "$" and raw[1:].strip(_EDGE).replace(".", "").isalpha():
        return "<cashtag>"
    if raw.startswith(("http", "www.")):
        return "<url>"
    key = raw.strip(_EDGE).lower() or raw.lower()
    if not key:
        return ""
    if any(c.isdigit() for c in key):
        return "<pct>" if "%" in raw else "<num>"
    return key


@dataclass(frozen=True)
class TokenColumns:
    """The word column of every token of a batch, texts one after another (-1: not in the
    vocabulary), and the number of tokens of each text."""

    cols: np.ndarray  # int64
    lengths: np.ndarray  # int64, one per text


@dataclass
class FinanceModel:
    """Vocabulary (words and "a b" pairs) and weights; ``predict`` gives class probabilities.

    Per text, only the word columns are looked up (:meth:`word_column`, cached by the caller);
    the word-pair columns of a whole batch are found at once with numpy (a pair is the two word
    columns packed in one integer, looked up in a small hash table). A pair kept in the
    vocabulary always has both words in it (a pair seen twice means each word was seen twice).
    """

    vocab: dict[str, int]
    weights: np.ndarray  # (len(vocab) + len(DENSE), 3): sparse features first, then DENSE
    bias: np.ndarray  # (3,)
    version: int

    def __post_init__(self) -> None:
        self._word_col: dict[str, int] = {}  # raw key -> word column, -1 when not in the vocabulary
        words = {w: c for w, c in self.vocab.items() if " " not in w}
        self._words = words
        size = len(self.vocab) + 1
        pairs = [
            (words[a] * size + words[b], c)
            for w, c in self.vocab.items()
            if " " in w
            for a, b in [w.split(" ", 1)]
            if a in words and b in words
        ]
        pairs.sort()
        self._size = size
        # An open-addressing hash table of the pair keys (at most 1/4 full, linear probing):
        # a batch's pairs are looked up with a few vectorised gathers into a table that stays
        # in the CPU cache, several times faster than a binary search of unsorted queries.
        bits = max(4, int(np.ceil(np.log2(4 * max(len(pairs), 1)))))
        self._shift, self._mask = np.uint64(64 - bits), (1 << bits) - 1
        self._table_keys = np.full(1 << bits, -1, dtype=np.int64)
        self._table_cols = np.full(1 << bits, -1, dtype=np.int64)
        for key, col in pairs:
            slot = ((key * _HASH_MULT) & _U64) >> (64 - bits)
            while self._table_keys[slot] != -1:
                slot = (slot + 1) & self._mask
            self._table_keys[slot], self._table_cols[slot] = key, col

    def word_column(self, raw: str) -> int:
        """The word column of one raw token (-1: not in the vocabulary)."""
        return self._words.get(normalise_token(raw), -1)

    def feature_ids(self, keys: Sequence[str]) -> list[int]:
        """The word column of each raw token in order (-1: not in the vocabulary)."""
        cache = self._word_col
        try:
            return list(map(cache.__getitem__, keys))
        except KeyError:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            get = self._words.get
            for k in keys:
                if k not in cache:
                    cache[k] = get(normalise_token(k), -1)
            return list(map(cache.__getitem__, keys))

    def flatten(self, id_lists: Sequence[list[int]]) -> TokenColumns:
        """Per-text lists of word columns as one :class:`TokenColumns`."""
        n = len(id_lists)
        lengths = np.fromiter((len(ids) for ids in id_lists), dtype=np.int64, count=n)
        cols = np.fromiter(chain.from_iterable(id_lists), dtype=np.int64, count=int(lengths.sum()))
        return TokenColumns(cols, lengths)

    def present(self, tokens: TokenColumns) -> tuple[np.ndarray, np.ndarray]:
        """(rows, columns) of every word and adjacent word pair present in each text, each once,
        sorted by row then column (the order of a CSR matrix with sorted indices)."""
        cols, lengths = tokens.cols, tokens.lengths
        rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        same_text = rows[1:] == rows[:-1]
        first, second = cols[:-1], cols[1:]
        ok = same_text & (first >= 0) & (second >= 0)
        pair_rows, pair_cols = rows[1:][ok], self._pair_columns(first[ok] * self._size + second[ok])
        found = pair_cols >= 0
        word = cols >= 0
        width = max(len(self.vocab), 1)
        keys = np.concatenate([rows[word] * width + cols[word], pair_rows[found] * width + pair_cols[found]])
        keys.sort()
        keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys  # presence
        return keys // width, keys % width

    def sparse(self, tokens: TokenColumns) -> sp.csr_matrix:
        """Binary (n, len(vocab)) matrix of each text's words and adjacent word pairs."""
        rows, cols = self.present(tokens)
        n = len(tokens.lengths)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(n, len(self.vocab)))

    def _pair_columns(self, keys: np.ndarray) -> np.ndarray:
        """The column of each pair key (-1: not a kept pair), by probing the hash table."""
        out = np.full(len(keys), -1, dtype=np.int64)
        slots = ((keys.astype(np.uint64) * np.uint64(_HASH_MULT)) >> self._shift).astype(np.int64)
        pending = np.arange(len(keys))
        while len(pending):
            found = self._table_keys[slots]
            hit = found == keys[pending]
            out[pending[hit]] = self._table_cols[slots[hit]]
            again = ~hit & (found != -1)  # an occupied slot of another key: probe the next one
            pending, slots = pending[again], (slots[again] + 1) & self._mask
        return out

    def design(self, tokens: TokenColumns, dense: np.ndarray) -> sp.csr_matrix:
        """The full feature matrix (training): sparse columns, then the scaled dense rule features."""
        return sp.hstack([self.sparse(tokens), sp.csr_matrix(dense * DENSE_SCALE)], format="csr")

    def predict(self, tokens: TokenColumns, dense: np.ndarray) -> np.ndarray:
        """(n, 3) probabilities of negative, neutral, positive.

        The word part of the logits is summed per text with ``np.bincount`` over the present
        columns (no sparse matrix is built), in the order a CSR product would sum them."""
        n = len(tokens.lengths)
        rows, cols = self.present(tokens)
        picked = self.weights[cols]
        words = np.column_stack([np.bincount(rows, weights=picked[:, k], minlength=n) for k in range(3)])
        v = len(self.vocab)
        logits = words + (dense * DENSE_SCALE) @ self.weights[v:] + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        return np.asarray(logits)

    def save(self, path: Path) -> None:
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez_compressed(
            path,
            vocab=np.array(words, dtype=str),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            version=np.array(self.version),
        )


@lru_cache(maxsize=4)
def load_finance_model(path: str | None = None) -> FinanceModel:
    file_path = Path(path) if path is not None else default_model_path()
    try:
        with np.load(file_path, allow_pickle=False) as data:
            words = [str(w) for w in data["vocab"]]
            weights = data["weights"].astype(np.float64)
            bias = data["bias"].astype(np.float64)
            version = int(data["version"])
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(
            f"{file_path}: finance model cannot be read ({exc}); reinstall the package or rebuild it "
            "with scripts/train_finance_model.py"
        ) from None
    if weights.shape != (len(words) + len(DENSE), len(CLASSES)):
        raise ConfigError(f"{file_path}: weights shape {weights.shape} does not match the vocabulary")
    return FinanceModel({w: i for i, w in enumerate(words)}, weights, bias, version)
