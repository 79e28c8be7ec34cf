"""Read the data files shipped inside the package, through :mod:`importlib.resources`.

Everything namenorm knows (transliteration rules, word lists, the built-in alias table, the
fitted confidence model) is a data file under ``namenorm/data``; this module is the one place
that opens them, so the package works from a wheel, a zip or a source checkout alike.

>>> text = read_text("words.tsv")
>>> "sheikh" in text
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

__all__ = ["data_path", "read_text", "register_cache", "reset_caches"]

_PACKAGE = "namenorm.data"
_CACHES: list[Callable[..., Any]] = []
_Loader = TypeVar("_Loader", bound=Callable[..., Any])


def data_path(name: str) -> str:
    """Return a printable location of a shipped data file, for error messages.

    >>> data_path("phonetic.tsv").endswith("phonetic.tsv")
    True
    """
    return str(resources.files(_PACKAGE).joinpath(name))


def read_text(name: str) -> str:
    """Return the text of a data file shipped with namenorm (UTF-8).

    >>> read_text("rewrite.tsv").startswith("#")
    True
    """
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def register_cache(function: _Loader) -> _Loader:
    """Remember a ``functools.cache``-wrapped loader so :func:`reset_caches` can clear it.

    >>> @register_cache
    ... @cache
    ... def answer() -> int:
    ...     return 42
    >>> answer(), answer.cache_info().currsize
    (42, 1)
    >>> reset_caches(); answer.cache_info().currsize
    0
    """
    _CACHES.append(function)
    return function


def reset_caches() -> None:
    """Forget every loaded rule set, table and model, so the next use reads the files again.

    Long-running processes call this after replacing data files.

    >>> reset_caches()
    """
    for function in _CACHES:
        clear = getattr(function, "cache_clear", None)
        if clear is not None:
            clear()


# Re-exported so loaders read ``@register_cache @functools.cache`` in one place.
cache = functools.cache
