"""Similarity features between a mention and one table entry, all in [0, 1].

The features are raw evidence, not probabilities: :mod:`namenorm.confidence` turns them into a
calibrated confidence. Each feature has a name, so a match can say which ones carried it.

>>> from namenorm.normalize import analyze
>>> features = pair_features(analyze("Ghassem Suleimani"), analyze("Qasem Soleimani"))
>>> features["phonetic_equal"], features["text_equal"]
(1.0, 0.0)
>>> pair_features(analyze("Sudani"), analyze("Mohammed Shia al-Sudani"))["surname"]
1.0
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz

from namenorm.model import Normalization

__all__ = ["FEATURES", "TOKEN_MATCH_CUTOFF", "pair_features", "similarity"]

TOKEN_MATCH_CUTOFF = 80.0
"""Two name tokens of four letters or more match when their phonetic keys are this close."""

FEATURES = (
    "exact",
    "text_equal",
    "phonetic_equal",
    "skeleton_equal",
    "ratio",
    "phonetic_ratio",
    "skeleton_ratio",
    "token_sort",
    "query_coverage",
    "alias_coverage",
    "surname",
    "given",
    "in_order",
    "single_token",
    "initials",
    "non_latin",
    "known_error",
)
"""The names of the pair features, in the order the confidence model weighs them."""


def _token_match(query: str, query_text: str, alias: str, alias_text: str, *, latin: bool) -> str:
    """How one mention token matches one alias token: '' (no), 'key', 'fuzzy' or 'initial'."""
    if len(query_text) == 1 or len(alias_text) == 1:
        # An initial stands for any word with its first letter, and for nothing else.
        return "initial" if query_text[:1] == alias_text[:1] else ""
    if query == alias:
        return "key"
    if not latin:
        return ""
    if min(len(query), len(alias)) >= 4 and fuzz.ratio(query, alias) >= TOKEN_MATCH_CUTOFF:
        return "fuzzy"
    return ""


def _align(query: Normalization, alias: Normalization) -> tuple[list[int | None], int]:
    """Greedily pair each mention token with an unused alias token; count initials used."""
    if query.latin:
        query_keys = query.phonetic.split()
        alias_keys = alias.phonetic.split()
    else:
        # Unvowelled script meets Latin only on the skeleton.
        query_keys = query.skeleton.split()
        alias_keys = list(alias.skeleton.split())
    query_texts = list(query.tokens) if len(query.tokens) == len(query_keys) else query_keys
    alias_texts = list(alias.tokens) if len(alias.tokens) == len(alias_keys) else alias_keys
    used: set[int] = set()
    pairing: list[int | None] = []
    initials = 0
    for key, text in zip(query_keys, query_texts, strict=True):
        chosen: int | None = None
        kind = ""
        pairs = zip(alias_keys, alias_texts, strict=True)
        for position, (alias_key, alias_text) in enumerate(pairs):
            if position in used:
                continue
            kind = _token_match(key, text, alias_key, alias_text, latin=query.latin)
            if kind:
                chosen = position
                break
        if chosen is not None:
            used.add(chosen)
            initials += kind == "initial"
        pairing.append(chosen)
    return pairing, initials


def pair_features(query: Normalization, alias: Normalization) -> dict[str, float]:
    """Return every named feature comparing a mention with one table string.

    ``known_error`` is left at 0: whether the string is a known error is the table's knowledge,
    which the resolver adds.
    """
    query_phonetic = query.phonetic.replace(" ", "")
    alias_phonetic = alias.phonetic.replace(" ", "")
    query_skeleton = query.skeleton.replace(" ", "")
    alias_skeleton = alias.skeleton.replace(" ", "")
    pairing, initials = _align(query, alias)
    # The skeleton throws vowels away; only a name written without them (Arabic script) needs it.
    unvowelled = not (query.latin and alias.latin)
    matched = [position for position in pairing if position is not None]
    alias_length = len(alias.skeleton.split() if not query.latin else alias.phonetic.split())
    query_length = len(pairing)
    return {
        "exact": float(query.original.casefold().strip() == alias.original.casefold().strip()),
        "text_equal": float(bool(query.text) and query.text == alias.text),
        "phonetic_equal": float(bool(query_phonetic) and query_phonetic == alias_phonetic),
        "skeleton_equal": float(
            unvowelled and len(query_skeleton) >= 2 and query_skeleton == alias_skeleton
        ),
        "ratio": fuzz.ratio(query.text, alias.text) / 100.0,
        "phonetic_ratio": fuzz.ratio(query_phonetic, alias_phonetic) / 100.0,
        "skeleton_ratio": fuzz.ratio(query_skeleton, alias_skeleton) / 100.0 if unvowelled else 0.0,
        "token_sort": fuzz.token_sort_ratio(query.phonetic, alias.phonetic) / 100.0,
        "query_coverage": len(matched) / query_length if query_length else 0.0,
        "alias_coverage": len(matched) / alias_length if alias_length else 0.0,
        "surname": float(alias_length > 0 and alias_length - 1 in matched),
        "given": float(alias_length > 1 and 0 in matched),
        "in_order": float(len(matched) > 1 and matched == sorted(matched)),
        "single_token": float(query_length == 1),
        "initials": initials / query_length if query_length else 0.0,
        "non_latin": float(not query.latin),
        "known_error": 0.0,
    }


def similarity(features: Mapping[str, float]) -> float:
    """The raw similarity (0-100) reported with a match: the best of the string measures.

    >>> from namenorm.normalize import analyze
    >>> similarity(pair_features(analyze("Qasem Soleimani"), analyze("Qasem Soleimani")))
    100.0
    """
    best = max(
        features["ratio"],
        features["phonetic_ratio"],
        features["token_sort"],
        features["skeleton_ratio"] if features["non_latin"] else 0.0,
    )
    return round(100.0 * best, 1)
