"""asyncio: reads wait on the slot's descriptor, in the event loop.

No polling and no thread per read: a waiting read_async() costs nothing
until the descriptor becomes readable.
"""
import asyncio
import threading
import time

import pytest

import mailslot


class CountingSlot(mailslot.Mailslot):
    """A Mailslot that counts how often it looks for a message."""

    __slots__ = ("looks",)

    def _poll(self):
        self.looks = getattr(self, "looks", 0) + 1
        return super()._poll()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


def test_two_slots_read_concurrently(name):
    other = name + "-2"
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def main():
        with mailslot.create(name) as a, mailslot.create(other) as b:
            loop = asyncio.get_running_loop()
            tick = asyncio.ensure_future(ticker())
            task_a = asyncio.ensure_future(a.read_async())
            task_b = asyncio.ensure_future(b.read_async())
            await asyncio.sleep(0.2)
            assert not task_a.done() and not task_b.done()
            loop.call_later(0.05, mailslot.send, other, "to b")
            loop.call_later(0.10, mailslot.send, name, "to a")
            done_b = await task_b
            assert not task_a.done()
            done_a = await task_a
            tick.cancel()
            return done_a, done_b

    assert run(main()) == (b"to a", b"to b")
    assert ticks > 10                        # the loop kept running


def test_waiting_does_not_poll_or_start_threads(name):
    async def main():
        with CountingSlot(name) as slot:
            threads = threading.active_count()
            task = asyncio.ensure_future(slot.read_async())
            await asyncio.sleep(0.5)
            assert threading.active_count() == threads
            mailslot.send(name, b"x")
            assert await task == b"x"
            return slot.looks

    assert run(main()) <= 3


def test_read_async_timeout(name):
    async def main():
        with mailslot.create(name, timeout=0.2) as slot:
            start = time.monotonic()
            with pytest.raises(mailslot.TimeoutError):
                await slot.read_async()      # the slot's timeout
            assert 0.19 <= time.monotonic() - start < 2.0
            with pytest.raises(TimeoutError):
                await slot.read_async(0)
            mailslot.send(name, b"")
            assert await slot.read_async(0) == b""
            with pytest.raises(TypeError):
                await slot.read_async("soon")

    run(main())


def test_async_for_and_close(name):
    async def main():
        slot = mailslot.create(name, timeout=0)
        got = []

        async def consume():
            async for message in slot:
                got.append(message)
                if len(got) == 3:
                    slot.close()

        for text in ("1", "2", "3"):
            mailslot.send(name, text)
        await consume()
        return got

    assert run(main()) == [b"1", b"2", b"3"]


def test_close_wakes_an_async_reader(name):
    async def main():
        slot = mailslot.create(name)
        messages = slot.aiter()
        task = asyncio.ensure_future(messages.__anext__())
        await asyncio.sleep(0.1)
        asyncio.get_running_loop().call_soon(slot.close)
        with pytest.raises(StopAsyncIteration):
            await task

    run(main())


def test_two_coroutines_on_one_slot(name):
    async def main():
        with mailslot.create(name) as slot:
            tasks = [asyncio.ensure_future(slot.read_async())
                     for _ in range(2)]
            await asyncio.sleep(0.1)
            mailslot.send(name, b"first")
            mailslot.send(name, b"second")
            return sorted(await asyncio.gather(*tasks))

    assert run(main()) == [b"first", b"second"]


def test_cancelled_read_loses_nothing(name):
    async def main():
        with mailslot.create(name) as slot:
            task = asyncio.ensure_future(slot.read_async())
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            mailslot.send(name, b"kept")
            await asyncio.sleep(0.05)
            assert slot.info().count == 1
            assert await slot.read_async() == b"kept"

    run(main())
