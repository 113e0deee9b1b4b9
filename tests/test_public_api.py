"""The public namespace: ``__all__`` matches what resolves, and ``import storyline`` stays cheap."""

import os
import subprocess
import sys
from pathlib import Path

import storyline


def test_all_matches_exports():
    assert storyline.__all__ == sorted(storyline._EXPORTS)
    assert {name for name in dir(storyline) if not name.startswith("_")} == set(storyline.__all__)
    for name in storyline.__all__:
        value = getattr(storyline, name)
        assert value.__name__ == name and value.__module__.startswith("storyline.")


def test_an_unknown_name_is_an_attribute_error():
    try:
        storyline.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("storyline.NoSuchThing resolved")


def test_import_storyline_loads_few_modules():
    code = ("import sys, storyline; from storyline import Store, StorylineConfig; "
            "print(sorted(m for m in sys.modules if m == 'storyline' or m.startswith('storyline.')))")
    env = {**os.environ, "PYTHONPATH": str(Path(storyline.__file__).parents[1])}  # this checkout's package
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    loaded = eval(run.stdout)
    assert len(loaded) <= 30, loaded
    assert not any(m.startswith(("storyline.nlp", "storyline.eval", "storyline.extract")) for m in loaded), loaded
