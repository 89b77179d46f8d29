"""The unit of work: commit once at the end, roll back on error, after-commit hooks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recyclic.core.database import Database, on_commit
from recyclic.models.site import Site


async def _site_count(database: Database) -> int:
    async with database.unit_of_work(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Site)) or 0)


async def test_unit_of_work_commits_what_the_service_did(database: Database) -> None:
    before = await _site_count(database)
    async with database.unit_of_work() as session:
        session.add(Site(name="A", slug="uow-a", timezone="Europe/Paris"))
    assert await _site_count(database) == before + 1


async def test_an_exception_rolls_back_everything(database: Database) -> None:
    before = await _site_count(database)
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as session:
            session.add(Site(name="B", slug="uow-b", timezone="Europe/Paris"))
            await session.flush()
            raise RuntimeError("service failed half-way")
    assert await _site_count(database) == before


async def test_after_commit_hooks_run_only_after_a_commit(database: Database) -> None:
    calls: list[str] = []

    async def hook() -> None:
        calls.append("ran")

    async with database.unit_of_work() as session:
        on_commit(session, hook)
        assert calls == []
    assert calls == ["ran"]

    with pytest.raises(ValueError, match="nope"):
        async with database.unit_of_work() as session:
            on_commit(session, hook)
            raise ValueError("nope")
    assert calls == ["ran"]


async def test_failing_after_commit_hook_does_not_undo_the_commit(database: Database) -> None:
    async def broken() -> None:
        raise RuntimeError("broker down")

    before = await _site_count(database)
    async with database.unit_of_work() as session:
        session.add(Site(name="C", slug="uow-c", timezone="Europe/Paris"))
        on_commit(session, broken)
    assert await _site_count(database) == before + 1


async def test_after_commit_hooks_also_run_when_a_refusal_commits(database: Database) -> None:
    from recyclic.core.exceptions import Unauthenticated

    class CountedFailure(Unauthenticated):
        commit_changes = True

    calls: list[str] = []

    async def hook() -> None:
        calls.append("ran")

    with pytest.raises(CountedFailure):
        async with database.unit_of_work() as session:
            on_commit(session, hook)
            raise CountedFailure()
    assert calls == ["ran"]
