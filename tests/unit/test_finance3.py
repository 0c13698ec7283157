"""The finance-3 scorer: rules blended with the shipped model, its file and its contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from attention.errors import ConfigError
from attention.sentiment.finance3 import POLAR, Finance3Engine, blend
from attention.sentiment.finance_model import (
    DENSE,
    FinanceModel,
    default_model_path,
    load_finance_model,
    normalise_token,
)
from attention.sentiment.scorer import COLUMNS, SentimentScorer


def test_the_model_ships_small_and_loads_with_numpy() -> None:
    path = default_model_path()
    assert path.stat().st_size < 3_000_000
    model = load_finance_model()
    assert model.weights.shape == (len(model.vocab) + len(DENSE), 3)
    assert "<cashtag>" in model.vocab and "beats" in model.vocab


def test_a_broken_model_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not an npz")
    with pytest.raises(ConfigError, match=r"model.npz: finance model cannot be read.*train_finance_model"):
        load_finance_model(str(bad))


def test_tokens_are_folded_into_placeholders() -> None:
    assert [normalise_token(t) for t in ["$nvda", "https://t.co/x", "12%", "150c", "beats", ""]] == [
        "<cashtag>",
        "<url>",
        "<pct>",
        "<num>",
        "beats",
        "",
    ]


def test_word_pairs_are_features_and_presence_not_counts() -> None:
    model = FinanceModel({"beats": 0, "estimates": 1, "beats estimates": 2}, np.zeros((5, 3)), np.zeros(3), 0)
    ids = [model.feature_ids(["beats", "estimates", "beats", "estimates"]), model.feature_ids(["estimates"])]
    matrix = model.sparse(model.flatten(ids)).toarray()
    assert matrix.tolist() == [[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]


def test_predict_sums_each_present_feature_once_like_the_sparse_product() -> None:
    rng = np.random.default_rng(0)
    vocab = {"beats": 0, "estimates": 1, "beats estimates": 2, "misses": 3}
    model = FinanceModel(vocab, rng.normal(size=(len(vocab) + len(DENSE), 3)), rng.normal(size=3), 0)
    keys = [["beats", "estimates", "beats", "estimates"], [], ["misses", "unknown"], ["estimates"]]
    tokens = model.flatten([model.feature_ids(k) for k in keys])
    dense = rng.normal(size=(4, len(DENSE)))
    probs = model.predict(tokens, dense)
    logits = model.design(tokens, dense) @ model.weights + model.bias
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    assert probs == pytest.approx(expected / expected.sum(axis=1, keepdims=True), abs=1e-12)


def test_blend_keeps_model_neutral_calls_neutral_and_lets_rules_speak() -> None:
    rules = np.array([[0, 1, 0, 0.0], [0, 0.5, 0.5, 0.6], [0, 1, 0, 0.0]])
    probs = np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.05, 0.15, 0.8]])
    out = blend(rules, probs)
    assert abs(out[0, 3]) < POLAR  # nothing from the rules, model neutral: neutral
    assert out[1, 3] == pytest.approx(0.3)  # rules polar: mean of rule 0.6 and model 0.0
    assert out[2, 3] == pytest.approx(0.75)  # nothing from the rules: the model speaks
    assert out[:, :3].sum(axis=1) == pytest.approx([1, 1, 1], abs=0.002)


def test_scorer_contract_columns_order_empty_texts() -> None:
    scorer = SentimentScorer("finance-3")
    texts = ["Nvidia beats estimates, raises guidance", "", "   ", "Shares plunge after guidance cut"]
    frame = scorer.score(texts)
    assert list(frame.columns) == COLUMNS and len(frame) == 4
    assert frame.loc[1].tolist() == [0.0, 0.0, 0.0, 0.0] == frame.loc[2].tolist()
    assert frame.loc[0, "compound"] >= 0.05 and frame.loc[3, "compound"] <= -0.05
    single = [scorer.polarity_scores(t)["compound"] for t in texts]
    assert single == frame["compound"].tolist()  # a batch scores each text as alone
    assert scorer.version == "finance-3"


def test_scores_are_the_same_in_worker_processes() -> None:
    scorer = SentimentScorer("finance-3")
    texts = [f"Stock {i} beats estimates" if i % 2 else f"Stock {i} misses, shares fall" for i in range(2500)]
    assert scorer.score(texts, processes=2).equals(scorer.score(texts, processes=1))


def test_explain_lists_the_rules_that_fired() -> None:
    explanation = SentimentScorer("finance-3").explain("Bears got crushed, calls printing")
    assert "bears ... crushed" in explanation.fired and "calls ... printing" in explanation.fired


def test_lexicon_path_is_for_the_finance_overlay_only() -> None:
    with pytest.raises(ConfigError, match="lexicon_path applies"):
        SentimentScorer("finance-3", lexicon_path="x.yaml")


def test_engine_reuses_a_given_model() -> None:
    model = load_finance_model()
    assert Finance3Engine(model).model is model


def test_pair_lookup_finds_every_kept_pair_and_nothing_else() -> None:
    words = [f"w{i}" for i in range(60)]
    rng = np.random.default_rng(1)
    pairs = {f"{words[a]} {words[b]}" for a, b in rng.integers(0, 60, size=(900, 2))}
    vocab = {w: i for i, w in enumerate([*words, *sorted(pairs)])}
    model = FinanceModel(vocab, np.zeros((len(vocab) + len(DENSE), 3)), np.zeros(3), 0)
    size = len(vocab) + 1
    a, b = rng.integers(0, 60, size=(2, 5000))
    got = model._pair_columns(a * size + b)
    expected = [vocab.get(f"{words[x]} {words[y]}", -1) for x, y in zip(a, b, strict=True)]
    assert got.tolist() == expected
    assert (got >= 0).sum() > 1000 and (got == -1).sum() > 1000  # both cases exercised
