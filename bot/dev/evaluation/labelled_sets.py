"""Where our own labelled sets (deadlines.jsonl, stories.jsonl, identity.jsonl) are read from.

They live in the eval/ folder of a diplobot checkout and are not shipped in the wheel (they are development
data, like the corpora `diplobot eval` also reads). DIPLOBOT_EVAL_DIR points an installed diplobot at them.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

CHECKOUT_EVAL_DIR = Path(__file__).resolve().parents[3] / "eval"
EVAL_DIR_VARIABLE = "DIPLOBOT_EVAL_DIR"


def labelled_set_path(filename: str) -> Path:
    """eval/FILENAME of this checkout, or of the folder DIPLOBOT_EVAL_DIR names."""
    folder = os.environ.get(EVAL_DIR_VARIABLE)
    return (Path(folder) if folder else CHECKOUT_EVAL_DIR) / filename


def missing_labelled_set(filename: str) -> str | None:
    """One line saying where the labelled set was looked for and how to point at it, or None when it is there."""
    path = labelled_set_path(filename)
    if path.is_file():
        return None
    return (f"{filename}: labelled set not found at {path}; set {EVAL_DIR_VARIABLE} to the eval/ folder of a "
            f"diplobot checkout (e.g. {EVAL_DIR_VARIABLE}=/path/to/diplobot/eval diplobot eval ...)")


def shared_eval_dir() -> Path:
    """Where the team's scorers live: DIPLOBOT_SHARED/eval, by default ../shared/eval beside the repo."""
    return Path(os.environ.get("DIPLOBOT_SHARED", CHECKOUT_EVAL_DIR.parents[1] / "shared")) / "eval"


def import_scorer(path: Path, name: str) -> ModuleType:
    """One of the team's scorers (../shared/eval) imported as a module, to reuse its reading of the gold."""
    spec = importlib.util.spec_from_file_location(name, path)
    if not path.exists() or spec is None or spec.loader is None:
        raise FileNotFoundError(f"no scorer at {path} (set DIPLOBOT_SHARED to the folder that holds eval/)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
