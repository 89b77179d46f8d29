"""What `recyclic serve` does before its first answer: import the command line and the app,
build the app. Each check guards a start-up cost taken out of that path (issue 15); each is
run in a fresh interpreter, as the server starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_PROBE = """
import json, sys
import recyclic.cli
from recyclic.core.config import Settings
from recyclic.main import create_app
from recyclic.schemas.common import ErrorBody, Page, ResponseSchema

create_app(Settings(_env_file=None, data_dir=sys.argv[1], secret_key="x" * 40))


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


answers = [ErrorBody, *subclasses(ResponseSchema), *subclasses(Page)]
print(json.dumps({
    "modules": sorted(m for m in sys.argv[2:] if m in sys.modules),
    "answer_models": len(answers),
    "built": sorted(c.__qualname__ for c in answers if c.__pydantic_complete__),
}))
"""

# Loaded by the command or the request that needs them, never by the server's start.
_NOT_AT_START = [
    "rich",  # progress bars and tables of other commands
    "recyclic.services.demo.seed",  # `recyclic demo`, `serve --demo`
    "recyclic.services.imports.oressource.importer",  # `recyclic import oressource`
    "recyclic.services.ai.local_classifier",  # the first classification
    "recyclic.services.ai.gemini",  # an installation with a Gemini key
    "tenacity",  # Gemini's and the sync clients' retries
]


def _start(tmp_path: Path) -> dict[str, object]:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path), *_NOT_AT_START],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    result: dict[str, object] = json.loads(probe.stdout)
    return result


def test_the_server_starts_without_what_only_some_commands_and_requests_need(
    tmp_path: Path,
) -> None:
    started = _start(tmp_path)
    assert started["modules"] == []
    # The answer models are built by the first request that returns them: FastAPI wraps each
    # again per route, and building them all was a good part of the start-up.
    assert isinstance(started["answer_models"], int)
    assert started["answer_models"] > 30
    assert started["built"] == []
