"""axe-core in the page: 0 critical or serious violations allowed."""

from __future__ import annotations

from typing import Any

BLOCKING = {"critical", "serious"}


async def assert_accessible(page: Any, screen: str) -> None:
    """Run axe on what is shown now; fail on any critical or serious violation."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    violations = results.response.get("violations", [])
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v.get("impact") in BLOCKING
    ]
    assert blocking == [], f"accessibility of {screen}: {blocking}"
