"""Ownership of C objects: each Python object owns exactly one C handle.

The handle sits in a one-element list, taken out by list.pop() when the object
is closed: pop is atomic under the GIL, so two threads closing one object (or
close racing the collector) free it once. Nothing hands the raw pointer to a
second owner: the public constructors make new C objects, and copy, deepcopy
and pickle either make an independent C object (Sketch, Recipe) or refuse
(Key). A closed object raises ValueError instead of passing NULL to C.
"""
from __future__ import annotations

from typing import Any, Callable, ClassVar, List, Optional, Type, TypeVar

T = TypeVar("T", bound="Handle")


class Handle:
    """Owns one C object; freed by close(), the with-statement or the collector."""

    __slots__ = ("_cell", "__weakref__")
    _free: ClassVar[Callable[[int], None]]
    _cell: List[int]

    @classmethod
    def _own(cls: Type[T], ptr: int) -> T:
        """A new Python object owning ptr, which nobody else owns."""
        obj = cls.__new__(cls)
        obj._cell = [ptr]
        return obj

    def _adopt(self, ptr: int) -> None:
        """Owns ptr from now on, freeing the handle held before (a swap)."""
        old, self._cell = getattr(self, "_cell", None), [ptr]
        if old:
            type(self)._free(old.pop())

    def _take(self) -> int:
        """The handle, given up: this object is closed and frees nothing."""
        ptr = self._h
        self._cell = []
        return ptr

    @property
    def _h(self) -> int:
        try:
            return self._cell[0]
        except (IndexError, AttributeError):
            raise ValueError("unika: this %s is closed" % type(self).__name__) from None

    @property
    def closed(self) -> bool:
        """True once close() has freed the C object."""
        return not getattr(self, "_cell", None)

    def close(self) -> None:
        """Frees the C object now (a key's bytes are wiped). Further use raises ValueError;
        closing again does nothing."""
        cell: Optional[List[int]] = getattr(self, "_cell", None)
        if not cell:
            return
        try:
            ptr = cell.pop()
        except IndexError:  # another thread closed it first
            return
        type(self)._free(ptr)

    def __enter__(self: T) -> T:
        """``with`` returns the object itself and closes it at the end."""
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing left to report to
            pass
