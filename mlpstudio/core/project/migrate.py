"""Older versions of the project file, brought up to the current one step by step.

``MIGRATIONS[v]`` turns a version-``v`` document into a version-``v + 1`` one. They run on the
parsed JSON before the schema check, so a migration renames keys and the checks then see a
current document; they never convert arrays.
"""

from __future__ import annotations

from collections.abc import Callable

from .checks import InvalidError, found, integer, require
from .schema import VERSION


def _from_v0(doc: dict) -> dict:
    """Version 0 (pre-release drafts) called the training block ``settings``, the loss ``cost``."""
    doc = dict(doc)
    if "settings" in doc and "training" not in doc:
        doc["training"] = doc.pop("settings")
    if isinstance(doc.get("network"), dict) and "cost" in doc["network"]:
        network = dict(doc["network"])
        network.setdefault("loss", network.pop("cost"))
        doc["network"] = network
    doc["version"] = 1
    return doc


MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: _from_v0}
# Keys of older versions that the migrations read, by the dotted path of their object. The schema
# does not list them, so the loader must not skip their values as it skips unknown keys' (io.py).
LEGACY_KEYS: dict[str, tuple[str, ...]] = {"": ("settings",), "network": ("cost",)}


def migrate(doc: dict) -> dict:
    """The document in the current version; refuses versions that are newer or unknown."""
    version = integer(require(doc, "version", ""), "version")
    if version > VERSION:
        raise InvalidError(
            "",
            f"version {found(version)} is newer than this MLP Studio understands ({VERSION}): "
            "update the app",
        )
    if version < min(MIGRATIONS, default=VERSION):
        raise InvalidError("version", f"{found(version)} is not a known version (0 to {VERSION})")
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    return doc
