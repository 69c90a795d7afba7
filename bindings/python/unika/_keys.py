"""The partnership key and the recipes (which fields make an identity)."""
from __future__ import annotations

import ctypes
import os
from typing import Any, NoReturn, Sequence, Union

from ._capi import FINGERPRINT_BYTES, KEY_BYTES, c, call, new_handle, to_bytes
from ._handle import Handle

PathLike = Union[str, bytes, "os.PathLike[str]"]

_KEY_COPY = ("unika: a Key is never pickled or copied, so the partnership key cannot leave "
             "this process by accident (multiprocessing, joblib and Dask pickle what they "
             "send). Save it once with Key.save(path) and call Key.load(path) where it is "
             "needed.")


class Key(Handle):
    """The partnership key. Its bytes stay in libsodium's guarded memory and are
    wiped when the key is closed or collected; only the fingerprint may be shown
    or shared. Made by Key.generate(), Key.load(), Key.derive() or
    Key.from_bytes(); never pickled or copied (TypeError)."""

    __slots__ = ()
    _free = c.unika_key_free

    def __init__(self) -> None:
        raise TypeError("unika: make a Key with Key.generate(), Key.load(path), "
                        "Key.derive(passphrase, salt) or Key.from_bytes(raw)")

    @classmethod
    def generate(cls) -> "Key":
        """A new random key (from libsodium's CSPRNG)."""
        return cls._own(new_handle(c.unika_key_generate))

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Key":
        """A key from its 32 raw bytes. Python cannot wipe `raw`: prefer Key.load()."""
        if not isinstance(raw, bytes) or len(raw) != KEY_BYTES:
            raise ValueError("unika: a key is %d bytes" % KEY_BYTES)
        return cls._own(new_handle(c.unika_key_from_bytes, raw))

    @classmethod
    def derive(cls, passphrase: Union[str, bytes], salt: Union[str, bytes]) -> "Key":
        """Argon2id of a shared passphrase and a public partnership salt
        (about a second and 256 MiB); refuses passphrases too short to be safe."""
        p, s = to_bytes(passphrase, "passphrase"), to_bytes(salt, "salt")
        return cls._own(new_handle(c.unika_key_derive, p, len(p), s, len(s)))

    @classmethod
    def load(cls, path: PathLike, allow_open_permissions: bool = False) -> "Key":
        """Reads a key file; refuses one that group or others may read unless
        allow_open_permissions."""
        return cls._own(new_handle(c.unika_key_load, os.fsencode(path),
                                   2 if allow_open_permissions else 0))

    def save(self, path: PathLike, overwrite: bool = False) -> None:
        """Writes the key file (mode 0600, atomically); refuses an existing path
        unless overwrite."""
        call(c.unika_key_save, self._h, os.fsencode(path), 1 if overwrite else 0)

    @property
    def fingerprint(self) -> bytes:
        """The key's 16-byte public fingerprint (what sketches record)."""
        buf = ctypes.create_string_buffer(FINGERPRINT_BYTES)
        c.unika_key_fingerprint(buf, self._h)
        return buf.raw

    @property
    def fingerprint_hex(self) -> str:
        """The fingerprint as 32 lowercase hex digits."""
        return self.fingerprint.hex()

    def __eq__(self, other: object) -> bool:
        """Keys are equal when their bytes are (compared in constant time)."""
        return isinstance(other, Key) and c.unika_key_equal(self._h, other._h) == 1

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<unika.Key %s>" % ("closed" if self.closed else self.fingerprint_hex)

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        """Refused: TypeError (a key is never pickled)."""
        raise TypeError(_KEY_COPY)

    def __copy__(self) -> NoReturn:
        """Refused: TypeError (a key is never copied)."""
        raise TypeError(_KEY_COPY)

    def __deepcopy__(self, memo: Any) -> NoReturn:
        """Refused: TypeError (a key is never copied)."""
        raise TypeError(_KEY_COPY)


class Recipe(Handle):
    """Which normalised fields make up an identity: a recipe name ("strict",
    "loose"), fields joined by '+' ("name+birth_year+gender"), the canonical
    text, or a sequence of field names; None is the library's default recipe.
    Recipes are public: they pickle and copy by their canonical text."""

    __slots__ = ()
    _free = c.unika_recipe_free

    def __init__(self, name_or_fields: Union[None, str, bytes, Sequence[str]] = None) -> None:
        if not self.closed:
            raise TypeError("unika: a Recipe is initialised once")
        if name_or_fields is None:
            name_or_fields = c.unika_recipe_default_name()
        elif not isinstance(name_or_fields, (str, bytes)):
            try:
                fields = list(name_or_fields)
            except TypeError:
                fields = [None]
            if not fields or not all(isinstance(f, str) for f in fields):
                raise TypeError("unika: a recipe is a name, fields joined by '+', or a "
                                "sequence of field names, not %s"
                                % type(name_or_fields).__name__)
            name_or_fields = "+".join(fields)
        text = to_bytes(name_or_fields, "recipe")
        self._adopt(new_handle(c.unika_recipe_parse, text, len(text)))

    @property
    def name(self) -> str:
        """The recipe's name ("strict"), or its canonical text when it has none."""
        return c.unika_recipe_name(self._h).decode()

    @property
    def canonical(self) -> str:
        """The canonical text ("unika-recipe-v1:name,birth_year,gender")."""
        return c.unika_recipe_canonical(self._h).decode()

    @property
    def fields(self) -> tuple:
        """The field names, in order."""
        h = self._h
        return tuple(c.unika_field_name(c.unika_recipe_field_at(h, i)).decode()
                     for i in range(c.unika_recipe_field_count(h)))

    @property
    def fingerprint(self) -> bytes:
        """The recipe's 16-byte fingerprint (what sketches record)."""
        buf = ctypes.create_string_buffer(FINGERPRINT_BYTES)
        c.unika_recipe_fingerprint(buf, self._h)
        return buf.raw

    @property
    def fingerprint_hex(self) -> str:
        """The fingerprint as 32 lowercase hex digits."""
        return self.fingerprint.hex()

    def __eq__(self, other: object) -> bool:
        """Recipes are equal when their canonical texts are."""
        return isinstance(other, Recipe) and self.canonical == other.canonical

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<unika.Recipe %s>" % ("closed" if self.closed else self.canonical)

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickles as its canonical text."""
        return (Recipe, (self.canonical,))

    def __copy__(self) -> "Recipe":
        """A new Recipe (its own C object) of the same canonical text."""
        return Recipe(self.canonical)

    def __deepcopy__(self, memo: Any) -> "Recipe":
        """A new Recipe (its own C object) of the same canonical text."""
        return Recipe(self.canonical)


Fingerprint = Union[Key, Recipe, bytes, str]


def fingerprint(obj: Fingerprint) -> bytes:
    """A fingerprint from a Key, a Recipe, 16 bytes or 32 hex digits."""
    if isinstance(obj, (Key, Recipe)):
        return obj.fingerprint
    if isinstance(obj, str):
        try:
            obj = bytes.fromhex(obj)
        except ValueError:
            obj = b""
    if not isinstance(obj, bytes) or len(obj) != FINGERPRINT_BYTES:
        raise ValueError("unika: a fingerprint is a Key, a Recipe, %d bytes or %d hex digits"
                         % (FINGERPRINT_BYTES, 2 * FINGERPRINT_BYTES))
    return obj
