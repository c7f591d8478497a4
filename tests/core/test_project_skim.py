"""The loader passes over the value of an unknown key without building it (``project/io.py``).

A hostile file with one unknown key holding millions of numbers must be refused for that key at a
small multiple of the file's size in memory; everything the loader reads is still parsed with the
same hooks and refused with the same messages as before. ``benchmarks/bench_project.py`` prints
the figures for the issue's 99 MB file.
"""

from __future__ import annotations

import json
import tracemalloc

import pytest

from mlpstudio.core import project
from mlpstudio.core.project import ProjectError
from mlpstudio.resources_path import resources


def base() -> dict:
    path = resources() / "examples" / "xor-2-2-1.json"
    return json.loads(path.read_text(encoding="utf-8"))


def load_text(text: str, tmp_path) -> project.Project:
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    return project.load(path)


def test_a_huge_unknown_value_is_refused_at_a_small_multiple_of_the_file(tmp_path):
    text = json.dumps(base())
    path = tmp_path / "big.json"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:-1] + ', "zeros": [0' + ",0" * 2_000_000 + "]}")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with pytest.raises(ProjectError, match=r"big\.json: zeros: unknown key \(the top-level"):
            project.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The bytes and their text (2x); a list of the zeros alone would be 4x more.
    assert peak < 3 * size


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ('[[1, {"a": "b]\\"}"}], "}", [[[[]]]]]', "top"),  # brackets and escapes inside strings
        ('"a string with ] and } and \\\\"', "top"),
        ("1e999", "top"),
        ("null", "top"),
        ('{"deep": ' + "[" * 500 + "]" * 500 + "}", "top"),
        ('[0, 0, "x"]', "network"),
        ('{"k": [1, 2]}', "dataset"),
        ("[1]", "network.standardisation"),
    ],
)
def test_unknown_keys_anywhere_are_refused_by_name_whatever_they_hold(tmp_path, value, where):
    doc = base()
    text = json.dumps(doc)
    if where == "top":
        text = text[:-1] + f', "odd": {value}}}'
        expected = r"p\.json: odd: unknown key \(the top-level keys are"
    else:
        if where == "network.standardisation":
            doc["network"]["standardisation"] = {"mean": [0.0, 0.0], "std": [1.0, 1.0]}
            text = json.dumps(doc)
            anchor = '"standardisation": {'
        else:
            anchor = f'"{where}": {{'
        text = text.replace(anchor, anchor + f'"odd": {value}, ', 1)
        expected = rf"p\.json: {where.replace('.', '[.]')}\.odd: unknown key"
    with pytest.raises(ProjectError, match=expected):
        load_text(text, tmp_path)


def test_what_is_read_is_refused_as_before(tmp_path):
    text = json.dumps(base())
    cases = {
        text[: len(text) // 2]: r"not valid JSON: .* at line 1, column",
        text + " []": r"not valid JSON: Extra data at line 1, column",
        text[:-1] + ', "odd": [1, 2}': r"not valid JSON: .* at line 1, column",
        text[:-1] + ', "odd": [1, 2': r"not valid JSON: .* at line 1, column",
        text[:-1] + ', "odd": "open': r"not valid JSON: Unterminated string",
        text[:-1] + ', "odd": ' + "[" * 5000 + "]" * 5000 + "}": "nested far too deeply",
        text.replace('"network": {', '"network": {"loss": "x", ', 1): "appears twice",
        text.replace('"network": {', '"network" {', 1): "Expecting ':' delimiter",
        text.replace('"network": {', '"network": {,', 1): "Expecting property name",
        text[:-1] + ', "version": 1}': 'the key "version" appears twice',
    }
    for bad, message in cases.items():
        with pytest.raises(ProjectError, match=message):
            load_text(bad, tmp_path)


def test_a_newer_version_is_still_reported_before_a_skipped_key(tmp_path):
    doc = base()
    doc["version"] = 2
    text = json.dumps(doc)[:-1] + ', "layers_v2": [0, 0, 0]}'
    with pytest.raises(ProjectError, match="version 2 is newer"):
        load_text(text, tmp_path)


def test_keys_of_older_versions_are_read_for_their_migration(tmp_path):
    doc = base()
    doc["version"] = 0
    doc["settings"] = doc.pop("training")
    doc["network"]["cost"] = doc["network"].pop("loss")
    loaded = load_text(json.dumps(doc), tmp_path)
    assert loaded.settings == project.from_json(json.dumps(base())).settings
    assert loaded.network.loss == base()["network"]["loss"]


def test_whitespace_around_a_valid_file_is_fine(tmp_path):
    text = "\n  " + json.dumps(base(), indent=2).replace(": ", " :\t") + "\r\n "
    assert load_text(text, tmp_path).network.sizes == base()["network"]["sizes"]
