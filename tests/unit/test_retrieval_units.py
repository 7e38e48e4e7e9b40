"""Fusion and query expansion."""

from __future__ import annotations

import pytest

from assistant.query import expand_query
from assistant.retrieval import reciprocal_rank_fusion


def test_rrf_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "b", "d"]], [1.0, 1.0], k=60)
    ids = [nid for nid, _ in fused]
    # c: 1/63 + 1/61 edges out b: 2/62 (agreement at the extremes beats agreement in the middle)
    assert ids == ["c", "b", "a", "d"]
    score = dict(fused)
    assert score["b"] == pytest.approx(1 / 62 + 1 / 62)
    assert score["a"] == pytest.approx(1 / 61)


def test_rrf_weights_and_zero_weight() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], [2.0, 1.0], k=10)
    assert [nid for nid, _ in fused] == ["a", "b"]
    only_dense = reciprocal_rank_fusion([["a"], ["b"]], [1.0, 0.0], k=10)
    assert [nid for nid, _ in only_dense] == ["a"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], [1.0, 1.0])


def test_expand_query_abbreviations_both_ways() -> None:
    assert "helsestasjon for ungdom" in expand_query("Hva tilbyr HFU?")
    assert expand_query("Hva gjør helsestasjon for ungdom?").endswith(" hfu")
    assert "individuell plan" in expand_query("Hvem har rett til IP?")
    assert expand_query("Er det nok ressurser?") == "Er det nok ressurser?"


def test_a_date_with_a_two_digit_year_is_found_by_its_year() -> None:
    from assistant.refusal import years_within
    from index.lexical import NorwegianAnalyzer

    assert "2021" in NorwegianAnalyzer().terms("Pr. 31.12.21 var det totalt 691 barn")
    assert years_within("pr. 31.12.21 var det 691 barn") == {"2021"}
    assert years_within("strategien (2020-2024)") == {"2020", "2021", "2022", "2023", "2024"}
    assert years_within("1990–2020 og tlf 12.34.5678") == set()  # a span over ten years, no date
