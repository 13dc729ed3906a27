"""Signals: Ctrl-C interrupts a blocking read at once, and nothing is lost.

Each test runs a child Python blocked in read() with no timeout and
signals it.  The bound on "at once" is generous (the machine is shared and
noisy); the wake-up itself takes a few milliseconds.
"""
import signal
import time

import mailslot
from conftest import python_child, wait_line

PROMPTLY = 2.0  # seconds


def blocked_child(name, body, setup=""):
    """A child that creates NAME, runs SETUP, says 'ready', runs BODY."""
    return python_child(
        "import sys, signal, time, mailslot\n"
        "slot = mailslot.create(sys.argv[1])\n"
        + setup +
        "print('ready', flush=True)\n"
        + body, name)


def test_ctrl_c_raises_keyboard_interrupt(name):
    child = blocked_child(name, "slot.read()\nprint('not interrupted')\n")
    wait_line(child, "ready")
    time.sleep(0.2)                      # let it sleep in the kernel
    start = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    elapsed = time.monotonic() - start
    assert "KeyboardInterrupt" in err
    assert out == ""
    assert child.returncode == -signal.SIGINT   # Python's exit for Ctrl-C
    assert elapsed < PROMPTLY


def test_slot_is_usable_after_ctrl_c(name):
    child = blocked_child(name, (
        "try:\n"
        "    slot.read()\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "print(slot.read(10).decode(), flush=True)\n"
        "print(slot.info().count, flush=True)\n"))
    wait_line(child, "ready")
    time.sleep(0.2)
    start = time.monotonic()
    child.send_signal(signal.SIGINT)
    wait_line(child, "interrupted")
    assert time.monotonic() - start < PROMPTLY
    mailslot.send(name, "still here")
    out, err = child.communicate(timeout=30)
    assert out == "still here\n0\n", err
    assert child.returncode == 0


def test_other_signals_resume_the_wait_with_the_time_left(name):
    # A handler that returns lets the read go on (PEP 475), and the
    # timeout counts from the start, not from the signal.
    child = blocked_child(name, (
        "start = time.monotonic()\n"
        "try:\n"
        "    slot.read(1.0)\n"
        "except TimeoutError:\n"
        "    print(len(hits), round(time.monotonic() - start, 3))\n"),
        setup=("hits = []\n"
               "signal.signal(signal.SIGUSR1, lambda *a: hits.append(1))\n"))
    wait_line(child, "ready")
    time.sleep(0.4)
    child.send_signal(signal.SIGUSR1)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    hits, elapsed = out.split()
    assert hits == "1"
    assert 0.95 <= float(elapsed) < 1.35


def test_a_handled_signal_does_not_lose_the_message(name):
    child = blocked_child(
        name, "print(slot.read().decode(), flush=True)\n",
        setup="signal.signal(signal.SIGUSR1, lambda *a: None)\n")
    wait_line(child, "ready")
    time.sleep(0.2)
    child.send_signal(signal.SIGUSR1)
    time.sleep(0.2)
    mailslot.send(name, "after the signal")
    out, err = child.communicate(timeout=30)
    assert out == "after the signal\n", err
