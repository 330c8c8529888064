"""Tests see the command line as a developer's terminal does, whatever CI they run under."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # GITHUB_ACTIONS=true switches the default --format to `github`; tests that want it set it themselves.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
