"""Run configurations: the library's INI configuration, read and changed through its own
functions, so that every key, check and message is the one of the INI file and of --set."""
import ctypes

from . import _lib
from ._lib import check, encode, lib, text
from .errors import ConfigError


def _format_value(value):
    """A Python value as the INI text of a key: numbers in full precision (repr), booleans as
    yes/no, sequences as whitespace-separated values."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return " ".join(_format_value(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # NumPy scalars
        return _format_value(value.item())
    return str(value)


def _split(name):
    """'kernel.1.2.alpha' -> ('kernel.1.2', 'alpha'): the key is the last component."""
    section, dot, key = str(name).rpartition(".")
    if not dot or not section or not key:
        raise ConfigError(f"'{name}': expected section.key (e.g. grid.cells)")
    return section, key


def _flatten(d, prefix=""):
    """Nested dicts to (section.key, value) pairs; {'kernel': {'1.1': {'alpha': 1}}} and
    {'kernel.1.1': {'alpha': 1}} both give ('kernel.1.1.alpha', 1)."""
    for k, v in d.items():
        name = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict):
            yield from _flatten(v, name)
        else:
            yield name, v


def keys():
    """The table of every configuration key the library knows, as a list of dicts (section,
    key, type, default, choices, range, doc): the table the validator checks against."""
    n = ctypes.c_int()
    rows = lib.fa_config_keys(ctypes.byref(n))
    kinds = ("int", "real", "word", "text")
    out = []
    for i in range(n.value):
        r = rows[i]
        out.append({"section": text(r.section), "key": text(r.key), "type": kinds[r.type],
                    "count": (r.min_count, r.max_count), "when": text(r.when) or None,
                    "required": bool(r.required), "default": text(r.deflt) if r.deflt else None,
                    "choices": text(r.choices).split("|") if r.choices else None,
                    "range": (r.lo, r.hi), "doc": text(r.doc)})
    return out


def has_key(section, key):
    """Does the library know `key` in `section` (sections with species indices written with I,
    J: 'kernel.I.J')? Lets optional keys of newer library versions be used only where known."""
    return any(r["section"] == section and r["key"] == key for r in keys())


class Config:
    """A run configuration: `[section] key = value` entries, as the INI file.

    Make one with Config.from_file, Config.from_string or Config.from_dict; change keys with
    ``cfg["grid.cells"] = 64`` or ``cfg.set(...)`` (the library's fa_config_set: the rules and
    messages of ``--set``); ``cfg.validate()`` checks it against the table of keys (raises
    ConfigError with file, line, section and key). Build a model with ``Model(cfg)``.
    """

    def __init__(self, handle):
        """Wrap a library fa_config_t* (owned from now on). Use the from_* constructors."""
        self._h = ctypes.c_void_p(handle)

    def __del__(self):
        if getattr(self, "_h", None) and self._h.value:
            lib.fa_config_free(self._h)
            self._h = None

    @property
    def handle(self):
        """The fa_config_t* (as a ctypes c_void_p)."""
        return self._h

    @classmethod
    def from_file(cls, path):
        """Read an INI file (fa_config_read_file). Raises OutputError if it cannot be read,
        ConfigError for a syntax error, with file and line."""
        h = ctypes.c_void_p()
        check(lib.fa_config_read_file(encode(path), ctypes.byref(h)))
        return cls(h.value)

    @classmethod
    def from_string(cls, text_, name="<string>"):
        """Parse INI text; `name` stands for the file name in messages and is the default run
        file's stem."""
        h = ctypes.c_void_p()
        check(lib.fa_config_read_string(encode(text_), encode(name), ctypes.byref(h)))
        return cls(h.value)

    @classmethod
    def from_dict(cls, d, name="<dict>"):
        """Build from a nested dict: ``{"grid": {"dim": 1, "cells": 64, "length": 10},
        "kernel.1.1": {"type": "riesz", "alpha": 0.5}, ...}`` (``{"kernel": {"1.1": {...}}}`` is
        the same). Values: numbers, strings, booleans (yes/no), sequences (several values).
        Each entry is set as ``--set section.key=value`` would."""
        cfg = cls.from_string("", name)
        cfg.update(d)
        return cfg

    def set(self, name, value):
        """Set one key: ``cfg.set("kernel.1.2.strength", -2)``, checked and reported as
        ``--set kernel.1.2.strength=-2`` (fa_config_set). Returns self."""
        # the library parses the assignment, so a malformed name gets --set's own message
        check(lib.fa_config_set(self._h, encode(f"{name}={_format_value(value)}")))
        return self

    def set_value(self, name, value):
        """Set a key to a text as it is (fa_config_set_value), for values the text rules of
        set() do not allow (e.g. paths with any characters)."""
        section, key = _split(name)
        check(lib.fa_config_set_value(self._h, encode(section), encode(key), encode(_format_value(value))))
        return self

    def update(self, d=None, **kw):
        """Set many keys from a (nested) dict, or keyword arguments with '__' for '.'
        (``cfg.update(grid__cells=64)``). Returns self."""
        items = dict(d or {})
        items.update({k.replace("__", "."): v for k, v in kw.items()})
        for name, value in _flatten(items):
            self.set(name, value)
        return self

    def __setitem__(self, name, value):
        self.set(name, value)

    def __getitem__(self, name):
        """The value of a key with the table's default applied (KeyError if absent)."""
        v = self.value(name)
        if v is None:
            raise KeyError(name)
        return v

    def __contains__(self, name):
        section, key = _split(name)
        return lib.fa_config_get(self._h, encode(section), encode(key)) is not None

    def get(self, name, default=None):
        """The raw text of a key as given (no default applied), or `default`."""
        section, key = _split(name)
        v = lib.fa_config_get(self._h, encode(section), encode(key))
        return text(v) if v is not None else default

    def value(self, name):
        """The text of a key with the table's default applied; None if absent without default."""
        section, key = _split(name)
        v = lib.fa_config_value(self._h, encode(section), encode(key))
        return text(v) if v is not None else None

    def where(self, name):
        """Where a key was set: "run.ini:12", "--set", or the source's name."""
        section, key = _split(name)
        return text(lib.fa_config_where(self._h, encode(section), encode(key)))

    def remove(self, name):
        """Remove a key ('grid.cells') or, given a section name alone ('initial.1'), a section."""
        section, dot, key = str(name).rpartition(".")
        if dot and lib.fa_config_get(self._h, encode(section), encode(key)) is not None:
            check(lib.fa_config_remove_key(self._h, encode(section), encode(key)))
        else:
            check(lib.fa_config_remove_section(self._h, encode(name)))
        return self

    def validate(self):
        """Check every entry against the table of keys (fa_config_validate); raises
        ConfigError on the first problem. Returns self."""
        check(lib.fa_config_validate(self._h))
        return self

    def to_string(self):
        """The effective configuration as INI text (what a run file stores as `config`)."""
        p = lib.fa_config_to_string(self._h)
        if not p:
            check(lib.fa_last_error_code() or -1)
        try:
            return ctypes.string_at(p).decode()
        finally:
            _lib.libc.free(p)

    def __str__(self):
        return self.to_string()

    def __repr__(self):
        return f"<fracagg.Config {self.name!r}>"

    @property
    def name(self):
        """The configuration's source name (file path or the name given)."""
        return text(lib.fa_config_name(self._h))

    def copy(self):
        """A deep copy."""
        h = ctypes.c_void_p()
        check(lib.fa_config_copy(self._h, ctypes.byref(h)))
        return Config(h.value)

    def to_dict(self):
        """The configuration as a nested dict {section: {key: text}} (read back from its INI
        text, so only what the INI shows)."""
        import configparser
        p = configparser.ConfigParser(interpolation=None, delimiters=("=",), comment_prefixes=("#", ";"))
        p.optionxform = str
        p.read_string(self.to_string())
        return {s: dict(p[s]) for s in p.sections()}


def as_config(config, sets=None):
    """A Config from a Config (copied), a dict, or a path; `sets` (dict) applied on top."""
    if isinstance(config, Config):
        cfg = config.copy()
    elif isinstance(config, dict):
        cfg = Config.from_dict(config)
    else:
        cfg = Config.from_file(config)
    if sets:
        cfg.update(sets)
    return cfg
