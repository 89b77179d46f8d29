"""KeyedLocks: turns in order of arrival per key, independent keys, nothing kept when idle."""

from __future__ import annotations

import asyncio
import gc

from recyclic.utils.keyed_locks import KeyedLocks


async def test_the_coroutines_of_a_key_take_turns_in_their_order_of_arrival() -> None:
    locks: KeyedLocks[str] = KeyedLocks()
    order: list[int] = []
    inside = 0

    async def take(number: int) -> None:
        nonlocal inside
        async with locks.hold("site"):
            inside += 1
            assert inside == 1, "two holders of one key at once"
            await asyncio.sleep(0)  # give the others every chance to cut in
            order.append(number)
            inside -= 1

    tasks = []
    for number in range(20):
        tasks.append(asyncio.create_task(take(number)))
        await asyncio.sleep(0)  # arrivals in this order
    await asyncio.gather(*tasks)
    assert order == list(range(20))


async def test_different_keys_do_not_wait_for_each_other() -> None:
    locks: KeyedLocks[str] = KeyedLocks()
    async with locks.hold("a"):
        await asyncio.wait_for(_enter(locks, "b"), timeout=1)


async def _enter(locks: KeyedLocks[str], key: str) -> None:
    async with locks.hold(key):
        pass


async def test_a_key_nobody_holds_keeps_no_lock() -> None:
    locks: KeyedLocks[int] = KeyedLocks()
    for key in range(100):
        async with locks.hold(key):
            pass
    gc.collect()
    assert len(locks._locks) == 0
