"""A bounded memo: remembered values by key, all forgotten at once when it is full.

The resolver, its annotator, the candidate index and the place index remember what they
work out per word, mention or entity, since running text names the same ones again and
again. Each memo is bounded so a long corpus run keeps flat memory, and it empties itself
when full rather than keeping a recency order: a lookup then costs one dict access, and a
run that fills it soon holds what the text names now.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

import attrs

__all__ = ["BoundedMemo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@attrs.define(slots=True, eq=False)
class BoundedMemo(Generic[K, V]):
    """Values by key, at most ``size`` of them: storing one more empties the memo first.

    >>> memo: BoundedMemo[str, int] = BoundedMemo(2)
    >>> memo.put("a", 1), memo.put("b", 2), memo.put("c", 3)
    (1, 2, 3)
    >>> "a" in memo, memo.get("a"), memo.get("c"), len(memo)
    (False, None, 3, 1)
    >>> memo.put("c", 4), memo.items()
    (4, [('c', 4)])
    """

    size: int = attrs.field(validator=attrs.validators.ge(1))
    _items: dict[K, V] = attrs.field(init=False, factory=dict, repr=False)

    def get(self, key: K) -> V | None:
        """The value remembered for ``key``, or None."""
        return self._items.get(key)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` for ``key`` (first forgetting everything if the memo is full,
        unless ``key`` is already in it) and return it."""
        if len(self._items) >= self.size and key not in self._items:
            self._items.clear()
        self._items[key] = value
        return value

    def put_all(self, items: Mapping[K, V]) -> None:
        """Remember every value of ``items`` (first forgetting everything if the keys not in
        the memo yet would not all fit): a batch worked out together is kept together.

        >>> memo: BoundedMemo[str, int] = BoundedMemo(3)
        >>> memo.put("a", 1)
        1
        >>> memo.put_all({"b": 2, "c": 3}); memo.items()
        [('a', 1), ('b', 2), ('c', 3)]
        >>> memo.put_all({"c": 30, "d": 4}); memo.items()
        [('c', 30), ('d', 4)]
        """
        new = sum(key not in self._items for key in items)
        if len(self._items) + new > self.size:
            self._items.clear()
        self._items.update(items)

    def items(self) -> list[tuple[K, V]]:
        """What is remembered now, in the order it was stored."""
        return list(self._items.items())

    def clear(self) -> None:
        """Forget everything."""
        self._items.clear()
