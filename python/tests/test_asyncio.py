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


# -- writing -----------------------------------------------------------------


def fill(writer):
    """Write until the queue is full (the writer's timeout is 0)."""
    for sent in range(100000):
        try:
            writer.write(b"m%d" % sent)
        except mailslot.FullError:
            return sent
    pytest.fail("the queue never became full")


async def ticking(ticks):
    """Count event-loop turns into TICKS[0] until cancelled."""
    while True:
        ticks[0] += 1
        await asyncio.sleep(0.01)


def test_write_async_on_a_full_queue_keeps_the_loop_running(name):
    """A reader that does not read: the write waits for the writer's
    timeout and raises FullError, and meanwhile other tasks run."""
    async def main():
        with mailslot.create(name, queue_limit_msgs=2, timeout=0) as slot, \
                mailslot.open(name, timeout=0) as writer:
            sent = fill(writer)
            writer.timeout = 1.0
            ticks = [0]
            ticker = asyncio.ensure_future(ticking(ticks))
            await asyncio.sleep(0)
            with pytest.raises(mailslot.FullError):
                await writer.write_async(b"no room")
            ticker.cancel()
            assert ticks[0] >= 10            # the loop kept turning
            got = []                         # nothing lost, no extra
            while True:
                try:
                    got.append(slot.read(0.5))
                except TimeoutError:
                    break
            assert got == [b"m%d" % i for i in range(sent)]

    run(main())


def test_write_async_goes_through_once_the_reader_makes_room(name):
    async def main():
        with mailslot.create(name, queue_limit_msgs=2, timeout=0) as slot, \
                mailslot.open(name, timeout=0) as writer:
            sent = fill(writer)
            writer.timeout = 20
            ticks = [0]
            ticker = asyncio.ensure_future(ticking(ticks))
            task = asyncio.ensure_future(writer.write_async("late \u2603"))
            while ticks[0] < 10:             # the write is waiting...
                await asyncio.sleep(0.01)
            assert not task.done()
            got = [await slot.read_async(5)]  # ...until there is room
            assert await task == len("late \u2603".encode())
            ticker.cancel()
            while True:
                try:
                    got.append(await slot.read_async(0.5))
                except TimeoutError:
                    break
            assert got == [b"m%d" % i for i in range(sent)] + [
                "late \u2603".encode()]

    run(main())


def test_write_async_checks_its_input_at_once(slot, name):
    async def main():
        with mailslot.open(name) as writer:
            with pytest.raises(TypeError):
                await writer.write_async(42)
            with pytest.raises(UnicodeEncodeError):
                await writer.write_async("\u03a9", encoding="ansi")
            with pytest.raises(LookupError):
                await writer.write_async("x", encoding="klingon")
            assert slot.info().count == 0
            assert await writer.write_async(bytearray(b"ab")) == 2
            assert await writer.write_async("x", encoding="utf-16le",
                                            nul=True) == 4
        with pytest.raises(ValueError):
            await writer.write_async(b"closed")
        assert [slot.read(), slot.read()] == [b"ab", b"x\0\0\0"]

    run(main())


def test_write_async_to_a_gone_reader(name):
    async def main():
        slot = mailslot.create(name)
        with mailslot.open(name) as writer:
            slot.close()
            with pytest.raises(mailslot.ReaderGoneError):
                await writer.write_async(b"x")

    run(main())
