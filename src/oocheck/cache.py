"""The on-disk cache (`.oocheck_cache/`): entries written whole or not at all, and checked when read.

Two runs may share the folder at once, and a run may be killed at any instant, so an entry is
written to a temporary file in the same folder and moved into place with `os.replace` (atomic on
POSIX and Windows): a reader sees the old entry, the new one, or none, never half of one. Each entry
starts with a header naming the format and the SHA-256 of its payload; an entry whose header or
checksum does not match (truncated, corrupted, from another oocheck) is treated as absent and
rewritten, never trusted. A folder that cannot be written (read-only, disk full) turns the cache off
for the rest of the run with one warning; the check itself goes on.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path

import oocheck

CACHE_FOLDER = ".oocheck_cache"
# Bump when the meaning of an entry changes: older entries then simply stop matching.
FORMAT = b"oocheck-cache 1"
_GITIGNORE = "# Created by oocheck.\n*\n"
_CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache of oocheck.\n"


@functools.cache
def code_fingerprint() -> str:
    """A digest of oocheck's own code (the analyzer and the rule packages) and version: cached facts are
    what this code computed, so a changed analyzer (a development install, an upgrade that kept the
    version number) must not read the facts an older one stored."""
    digest = hashlib.sha256(oocheck.__version__.encode())
    packages = [Path(oocheck.__file__).parent]
    rules = importlib.util.find_spec("oocheck_rules")  # the built-in rule package, shipped beside oocheck
    if rules is not None and rules.origin:
        packages.append(Path(rules.origin).parent)
    for package in packages:
        for source in sorted(package.rglob("*.py")):
            with contextlib.suppress(OSError):
                digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


class Cache:
    """Entries by namespace and key, under `folder`; `Cache(None)` stores nothing."""

    def __init__(self, folder: Path | None, warnings: list[str] | None = None) -> None:
        self.folder = folder
        self._warnings = warnings if warnings is not None else []

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    @classmethod
    def open(cls, folder: Path, warnings: list[str]) -> Cache:
        """The cache in `folder`, created with a .gitignore and a CACHEDIR.TAG; off (one warning)
        when it cannot be created or written."""
        cache = cls(folder, warnings)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
                if not (folder / name).exists():
                    cache._write_atomically(folder / name, text.encode())
        except OSError as exc:
            cache._disable(exc)
        return cache

    def subfolder(self, name: str) -> Path | None:
        """A folder of the cache for a tool with its own format (mypy's cache), or None when off."""
        if self.folder is None:
            return None
        path = self.folder / name
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._disable(exc)
            return None
        return path

    def _entry(self, namespace: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / namespace / key[:2] / key

    def get(self, namespace: str, key: str) -> bytes | None:
        """The payload stored under `key`, or None when absent or not intact."""
        if self.folder is None:
            return None
        try:
            data = self._entry(namespace, key).read_bytes()
        except OSError:
            return None
        header, sep, payload = data.partition(b"\n\n")
        if not sep:
            return None
        fields = header.split(b"\n")
        if len(fields) != 3 or fields[0] != FORMAT or fields[1] != str(len(payload)).encode():
            return None
        if fields[2] != hashlib.sha256(payload).hexdigest().encode():
            return None
        return payload

    def put(self, namespace: str, key: str, payload: bytes) -> None:
        if self.folder is None:
            return
        header = b"\n".join([FORMAT, str(len(payload)).encode(), hashlib.sha256(payload).hexdigest().encode()])
        path = self._entry(namespace, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._write_atomically(path, header + b"\n\n" + payload)
        except OSError as exc:
            self._disable(exc)

    @staticmethod
    def _write_atomically(path: Path, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            # Killed or failed mid-write: leave no temporary file behind when we still can.
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def _disable(self, exc: OSError) -> None:
        if self.folder is not None:
            reason = exc.strerror or type(exc).__name__
            self._warnings.append(f"cache folder {self.folder} cannot be written ({reason}); "
                                  "running without the cache")
        self.folder = None
