"""What the worker processes namenorm starts itself have in common (``resolve_many`` and
corpus annotation with ``workers=``): not for the user's own process."""

from __future__ import annotations

import gc
import io
import pickle
from collections.abc import Callable
from typing import Any

from namenorm.model import Entity


def freeze_heap() -> None:
    """In a worker process of namenorm's own, once its resolver is built: move every object
    alive into the collector's permanent generation. The table and index are kept to the
    end, and the collector would otherwise walk all of them again and again (at a million
    aliases, a sixth of the time spent resolving). Never called in the user's own process.
    """
    gc.collect()
    gc.freeze()


class _EntityRef:
    """Stands for an entity in a pickle of :func:`dumps_by_reference`; never built."""


class _EntityRefPickler(pickle.Pickler):
    # reducer_override, unlike persistent_id, is not called for strings, numbers and tuples:
    # the bulk of an answer.
    def reducer_override(self, obj: Any) -> Any:  # noqa: ANN401 - pickle's own signature
        if type(obj) is Entity:
            return _EntityRef, (obj.id,)
        return NotImplemented


class _EntityRefUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, entity_of: Callable[[str], Entity]) -> None:
        super().__init__(io.BytesIO(data))
        self._entity_of = entity_of

    def find_class(self, module: str, name: str) -> Any:  # noqa: ANN401 - pickle's own signature
        if module == __name__ and name == _EntityRef.__name__:
            return self._entity_of
        return super().find_class(module, name)


def dumps_by_reference(value: object) -> bytes:
    """``value`` pickled with every :class:`~namenorm.model.Entity` in it written as its id.

    A worker's answers name entities of the table the parent process holds too. Sent whole
    (aliases, context words, attributes), an entity came back as a new copy in every batch
    that named it, kept alive as long as the caller keeps the answers: 5,971 copies of the
    built-in table's 179 entities over 5 MB of text.

    >>> entity = Entity(id="iraq", name="Iraq", kind="place")
    >>> data = dumps_by_reference([entity, 0.5])
    >>> back = loads_by_reference(data, {"iraq": entity}.__getitem__)
    >>> back == [entity, 0.5], back[0] is entity
    (True, True)
    """
    buffer = io.BytesIO()
    _EntityRefPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def loads_by_reference(data: bytes, entity_of: Callable[[str], Entity]) -> Any:  # noqa: ANN401
    """Read what :func:`dumps_by_reference` wrote, each entity id replaced by
    ``entity_of(id)``: the parent's own entity, shared by every answer that names it."""
    return _EntityRefUnpickler(data, entity_of).load()
