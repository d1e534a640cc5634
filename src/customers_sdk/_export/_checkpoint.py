"""The checkpoint of an export: where the walk stands and how long the output was then.

It lives beside the output as ``PATH.checkpoint.json`` and is replaced atomically (a temporary
file, fsync, ``os.replace``) only *after* the output itself was flushed and fsynced. So after
any crash the checkpoint describes a prefix of the output that is on disk: a resume cuts the
output back to ``position`` and fetches ``next_query`` on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from .._errors import InvalidParameterError
from .._request import ListQuery

__all__ = [
    "VERSION",
    "Checkpoint",
    "checkpoint_path",
    "fingerprint",
    "fsync_folder",
    "query_from_json",
    "query_to_json",
]

VERSION = 1
_DATETIME = "$datetime"  # how a datetime in a `created` filter survives a round trip to JSON


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint.json")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _revived(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_DATETIME}:
            return datetime.fromisoformat(value[_DATETIME])
        return {key: _revived(item) for key, item in value.items()}
    return value


def query_to_json(query: ListQuery) -> dict[str, Any]:
    return {field.name: _plain(getattr(query, field.name)) for field in fields(query)}


def query_from_json(data: Mapping[str, Any]) -> ListQuery:
    return ListQuery(**{key: _revived(value) for key, value in data.items()})


def fingerprint(query: ListQuery) -> str:
    """What identifies a walk: the query of its first page (filters, page size, start)."""
    canonical = json.dumps(query_to_json(query), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Checkpoint:
    """One durable point of an export. ``position`` is the output's length in bytes (text
    formats) or the number of Parquet parts written; ``next_query`` is ``None`` once the walk
    is over (only the finishing step, if any, remains)."""

    format: str
    dialect: str
    base_url: str
    params: str
    next_query: dict[str, Any] | None
    position: int
    count: int
    version: int = VERSION

    def save(self, path: Path) -> None:
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(asdict(self), file, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())
        # No fsync of the folder: if the rename is lost, the previous checkpoint is back,
        # and it is consistent too (the output is only longer than it says).
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
            if data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version')!r}")
            return cls(**data)
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidParameterError(
                f"{path} is not a checkpoint this SDK can resume from ({exc}); remove it to "
                "start over",
                param="resume",
            ) from exc

    def refuse_mismatch(self, expected: Checkpoint, path: Path) -> None:
        """Resuming with other settings would mix two exports in one file."""
        for name in ("format", "dialect", "base_url", "params"):
            found, wanted = getattr(self, name), getattr(expected, name)
            if found != wanted:
                what = "list params" if name == "params" else name
                raise InvalidParameterError(
                    f"cannot resume: {path} was written with other {what} "
                    f"({found!r}, now {wanted!r}); use the same settings, or resume=False to "
                    "start over",
                    param="resume",
                )


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where folders can't be
    opened, as on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
