"""Windows-style mailslots for Python: one reader, many writers, whole messages.

A mailslot is a one-way, message-oriented channel.  One process creates it
and reads whole messages from it, first in, first out; any number of
processes open it and write messages to it.  This package is the Python
face of the mailslot C library, so it behaves exactly like the C library,
the ``mailslot`` command, Lua and AutoHotkey — including how text is
encoded and decoded.

Reading::

    with mailslot.create("inbox") as slot:      # timeout=None: reads block
        for message in slot:                    # bytes, one per message
            print(mailslot.decode(message))

Writing::

    mailslot.send("inbox", "héllo ☃")           # UTF-8 by default
    with mailslot.open(r"\\\\.\\mailslot\\inbox") as writer:
        writer.write(b"raw bytes")
        writer.write("for a W program", encoding="utf-16le", nul=True)

Names: ``\\\\.\\mailslot\\a\\b`` or the short form ``a\\b`` / ``a/b``,
compared case-insensitively the Windows way.  Timeouts are in seconds:
``None`` waits for ever, ``0`` only looks.

Errors are :class:`Error` (an :class:`OSError`) and its subclasses, one per
error of the library, which also derive from the matching built-in
exception where there is one: :class:`NotFoundError` is a
:class:`FileNotFoundError`, :class:`ExistsError` a :class:`FileExistsError`,
:class:`TimeoutError` the built-in :class:`TimeoutError`, and so on.  Using
a closed object raises :class:`ValueError`; arguments of the wrong type
raise :class:`TypeError`, bad values :class:`ValueError`.  The names
without "Error" (``mailslot.Timeout``, ``mailslot.NotFound``, ...) are
deprecated aliases that warn; they will be removed.
"""
import math as _math
import os as _os
import warnings as _warnings
from collections import namedtuple as _namedtuple

from . import _mailslot as _c


def _running_loop():
    # asyncio is imported only here: a coroutine runs in a loop, so it is
    # loaded by then, and a script that does not use it starts without
    # it (importing asyncio took half of "import mailslot", about 60 ms).
    import asyncio
    return asyncio.get_running_loop()

__all__ = [
    "create", "open", "send", "encode", "decode", "detect_encoding",
    "list", "canonical_name",
    "Mailslot", "Writer", "Info", "Origin", "Error",
    "MAX_MESSAGE_SIZE", "MAX_NAME_LENGTH",
]

#: The version of the mailslot C library this package is built from.
__version__ = _c.VERSION
#: The largest message this platform carries, in bytes.
MAX_MESSAGE_SIZE = _c.MAX_MESSAGE_SIZE
#: The longest accepted slot name, in UTF-8 bytes.
MAX_NAME_LENGTH = _c.MAX_NAME_LENGTH

encode = _c.encode
decode = _c.decode
list = _c.list  # noqa: A001 - the module's verb, as the command's
canonical_name = _c.canonical_name
detect_encoding = _c.detect_encoding

_WINDOWS = _os.name == "nt"

# Marks "the slot's own timeout" in signatures that also accept None.
_DEFAULT = object()

# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class Error(OSError):
    """An error reported by the mailslot library.

    Attributes: ``code`` (the library's negative error code), ``errname``
    (its stable short name, e.g. ``"not_found"``), ``strerror`` (a readable
    message), ``filename`` (the slot name involved, or None), and the
    operating-system error behind it, as the standard library gives it:
    ``errno`` (a POSIX errno, or None) and, on Windows, ``winerror`` (the
    Windows error code).  An unexpected OS error (errname ``"os_error"``)
    raises this class itself.
    """

    def __init__(self, code, name=None, os_error=0):
        """Make the error for library code CODE about slot NAME.

        OS_ERROR is the operating system's error: an errno on POSIX, a
        Windows error code on Windows (0: none).
        """
        code = int(code)
        message = _c.strerror(code)
        if _WINDOWS and os_error:
            # As OSError does on Windows: winerror keeps the Windows code
            # and errno gets the POSIX errno that corresponds to it.
            super().__init__(None, message, name, os_error)
        else:
            super().__init__(os_error or None, message, name)
        self.code = code
        self.errname = _c.errname(code)
        #: More about the error where the machine can say more, else "":
        #: for UnsafeDirectoryError, the path, its owner and the fix.
        self.detail = _c.error_detail(code)

    def __str__(self):
        text = f"{self.strerror} ({self.errname})"
        if self.filename is not None:
            text += f": {self.filename!r}"
        if self.detail:
            text += f"; {self.detail}"
        return text

    def __reduce__(self):
        os_error = getattr(self, "winerror", None) if _WINDOWS else self.errno
        return type(self), (self.code, self.filename, os_error or 0)


# The Error subclass for each error the Python API can raise: errname,
# class name, and the built-in exception it also derives from (or None).
_ERROR_TABLE = (
    ("invalid_argument", "InvalidArgumentError", ValueError),
    ("invalid_name", "InvalidNameError", None),
    ("not_found", "NotFoundError", FileNotFoundError),
    ("exists", "ExistsError", FileExistsError),
    ("timeout", "TimeoutError", TimeoutError),
    ("too_big", "TooBigError", None),
    ("full", "FullError", None),
    ("reader_gone", "ReaderGoneError", BrokenPipeError),
    ("not_supported", "NotSupportedError", None),
    ("no_memory", "NoMemoryError", None),
    ("access_denied", "AccessDeniedError", PermissionError),
    ("unsafe_directory", "UnsafeDirectoryError", PermissionError),
    ("remote_disabled", "RemoteDisabledError", None),
    ("network", "NetworkError", None),
    ("too_many_files", "TooManyFilesError", None),
)

# The library's other codes never reach Python as themselves, so they have
# no class: buffers are sized by the binding (buffer_too_small), use after
# close raises ValueError (closed), text errors are UnicodeEncodeError and
# UnicodeDecodeError (encoding), interrupted waits run the signal handlers
# and go on (interrupted, PEP 475), datagrams are the bridge's business
# (malformed, not_addressed), and os_error raises Error itself.
_NO_CLASS = ("buffer_too_small", "closed", "encoding", "interrupted",
             "malformed", "not_addressed", "os_error")

# The names of the classes before they followed PEP 8 ("Error" at the
# end).  They still work, with a DeprecationWarning (see __getattr__).
_DEPRECATED_NAMES = {
    "InvalidArgument": "InvalidArgumentError",
    "InvalidName": "InvalidNameError",
    "NotFound": "NotFoundError",
    "Exists": "ExistsError",
    "Timeout": "TimeoutError",
    "TooBig": "TooBigError",
    "Full": "FullError",
    "ReaderGone": "ReaderGoneError",
    "NotSupported": "NotSupportedError",
    "NoMemory": "NoMemoryError",
    "AccessDenied": "AccessDeniedError",
    "UnsafeDirectory": "UnsafeDirectoryError",
    "RemoteDisabled": "RemoteDisabledError",
    "Network": "NetworkError",
    "TooManyFiles": "TooManyFilesError",
}

_ERROR_CLASSES = {}
_CODES = {}


def _make_error_classes():
    """Define the Error subclasses of _ERROR_TABLE, each for its code.

    The codes are read from the library itself (codes -1, -2, ... until
    errname() says "unknown").
    """
    table = {errname: (cls_name, base)
             for errname, cls_name, base in _ERROR_TABLE}
    code = -1
    while _c.errname(code) != "unknown" and code > -1000:
        errname = _c.errname(code)
        _CODES[errname] = code
        if errname in table:
            cls_name, base = table[errname]
            message = _c.strerror(code)
            doc = (f"{message[0].upper()}{message[1:]} "
                   f"(code {code}, errname {errname!r}).")
            bases = (Error,) if base is None else (Error, base)
            cls = type(cls_name, bases,
                       {"__doc__": doc, "__module__": __name__})
            globals()[cls_name] = cls
            _ERROR_CLASSES[code] = cls
            # mailslot.TimeoutError is a TimeoutError; "import *" must not
            # rebind the built-in name to it, so it is left out of __all__.
            if cls_name != "TimeoutError":
                __all__.append(cls_name)
        code -= 1


_make_error_classes()


def __getattr__(name):
    """The old exception names, deprecated: mailslot.Timeout and so on."""
    new = _DEPRECATED_NAMES.get(name)
    if new is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _warnings.warn(f"mailslot.{name} is deprecated; use mailslot.{new}",
                   DeprecationWarning, stacklevel=2)
    return globals()[new]


def _error(code, os_error=0, name=None):
    """The exception for library code CODE (the C part raises these)."""
    return _ERROR_CLASSES.get(code, Error)(code, name, os_error)


_c._set_error_factory(_error)


def _seconds(timeout):
    """Check a timeout in seconds (None = for ever) as the C part does."""
    if timeout is None:
        return None
    if not isinstance(timeout, (int, float)):
        raise TypeError("timeout must be a number of seconds or None, not "
                        f"{type(timeout).__name__}")
    if _math.isnan(timeout) or timeout < 0:
        raise ValueError(
            "timeout must be a non-negative number of seconds or None")
    return timeout


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

Info = _namedtuple("Info", "max_size next_size count timeout")
Info.__doc__ = """The state of a slot, as returned by Mailslot.info()."""
Info.max_size.__doc__ = "The largest message accepted, in bytes (0: any)."
Info.next_size.__doc__ = "The size of the next message, or None if none."
Info.count.__doc__ = "The number of messages queued."
Info.timeout.__doc__ = "The default read timeout in seconds (None: for ever)."

Origin = _namedtuple("Origin", "source_name source_suffix dest_name "
                     "dest_suffix source_addr source_port datagram_type")
Origin.__doc__ = """Where a message from the network came from.

``Mailslot.read(origin=True)`` returns one for each message that
``mailslot bridge`` took off the network (a NetBIOS datagram); a message
from a local writer has no origin (None).  Nothing in a datagram is
authenticated: the names are what the sender claimed.
"""
Origin.source_name.__doc__ = "The sender's NetBIOS name, e.g. 'PC1'."
Origin.source_suffix.__doc__ = "The NetBIOS suffix of source_name (0x00)."
Origin.dest_name.__doc__ = "The NetBIOS name it was sent to."
Origin.dest_suffix.__doc__ = "The NetBIOS suffix of dest_name."
Origin.source_addr.__doc__ = "The sender's IPv4 address, dotted ('10.0.0.5')."
Origin.source_port.__doc__ = "The sender's UDP port (138, or ephemeral)."
Origin.datagram_type.__doc__ = (
    "0x10 unique (to a host), 0x11 group (to a domain), 0x12 broadcast.")

_c._set_origin_type(Origin)


class Mailslot(_c.Reader):
    """A mailslot this process created, to read messages from.

    ``Mailslot(name, ...)`` is the same as :func:`create`.  Reads return
    ``bytes`` (``b""`` for an empty message, which is a real message);
    when no message comes in time they raise :class:`TimeoutError`.
    ``for message in slot`` reads with the slot's timeout and ends when a
    read times out or the slot is closed; :meth:`drain` yields only what
    is queued now.  :attr:`name` is the canonical name,
    :attr:`display_name` the name as given.  Use it as a context manager
    to close it.  For asyncio, see :meth:`read_async` and
    :meth:`aiter` (``async for message in slot`` works too).
    ``read(origin=True)`` and ``read_async(origin=True)`` return
    ``(data, origin)``: an :class:`Origin` for a message from the network
    (through ``mailslot bridge``), None for one from a local writer.
    """

    __slots__ = ("_waiters", "__weakref__")

    def __new__(cls, name, max_size=0, timeout=None, encoding="auto", *,
                queue_limit_msgs=None, queue_limit_bytes=None, access=None):
        """Create the slot NAME; see :func:`create`."""
        self = _c._create(cls, name, max_size, timeout, encoding,
                          queue_limit_msgs=queue_limit_msgs,
                          queue_limit_bytes=queue_limit_bytes, access=access)
        self._waiters = None
        return self

    def read_text(self, encoding=None, errors="replace", timeout=_DEFAULT):
        """Read the next message and decode it as :func:`decode` does.

        ENCODING defaults to the slot's :attr:`encoding` (what
        :func:`create` was told its writers send, ``"auto"`` unless said);
        it may be ``"auto"`` (recognise UTF-16LE, UTF-8 and ANSI),
        ``"utf-8"``, ``"utf-16le"``, ``"ansi"`` or ``"cp1252"``, in any
        spelling Python's codecs accept.  An explicit encoding never
        guesses.  ERRORS is ``"replace"`` or ``"strict"``; strict raises
        :class:`UnicodeDecodeError`, whose ``.object`` is the message's
        bytes, so nothing is lost.  Both are checked before anything is
        read.  TIMEOUT defaults to the slot's timeout.
        """
        if encoding is None:
            encoding = self.encoding
        decode(b"", encoding, errors)
        data = self.read() if timeout is _DEFAULT else self.read(timeout)
        return decode(data, encoding, errors)

    def info(self):
        """The slot's state: ``Info(max_size, next_size, count, timeout)``.

        ``next_size`` is None when no message is queued; ``count`` is exact.
        """
        return Info._make(self._info())

    def __iter__(self):
        """Yield each message as it arrives, reading with the slot's
        :attr:`timeout`: stop when a read times out (never, with the
        default timeout None) or when the slot is closed."""
        while True:
            try:
                message = self.read()
            except TimeoutError:
                return
            except ValueError:
                if self.closed:
                    return
                raise
            yield message

    def drain(self):
        """Yield the messages queued now, without waiting, then stop.

        At most as many as :meth:`info` counts when it starts, so writers
        that keep writing cannot make it run for ever.
        """
        for _ in range(self.info().count):
            message = self._poll()
            if message is None:
                return
            yield message

    # -- asyncio -----------------------------------------------------------

    async def read_async(self, timeout=_DEFAULT, origin=False):
        """Read the next message without blocking the event loop.

        The coroutine sleeps until the slot's descriptor becomes readable
        (``loop.add_reader``): no polling, no thread.  TIMEOUT defaults to
        the slot's timeout; when it runs out, raise :class:`TimeoutError`.
        Several coroutines may wait on one slot; each message goes to one.
        With ORIGIN true, return ``(data, origin)`` as :meth:`read` does.
        """
        timeout = self.timeout if timeout is _DEFAULT else _seconds(timeout)
        poll = self._poll_origin if origin else self._poll
        message = poll()
        if message is not None:
            return message
        loop = _running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            if deadline is not None and loop.time() >= deadline:
                raise _error(_CODES["timeout"], name=self.display_name)
            await self._readable(loop, deadline)
            message = poll()
            if message is not None:
                return message

    async def aiter(self):
        """Yield each message as it arrives (``async for``); the slot's
        timeout does not apply.  Stop when the slot is closed."""
        while True:
            try:
                message = await self.read_async(None)
            except ValueError:
                if self.closed:
                    return
                raise
            yield message

    def __aiter__(self):
        """``async for message in slot`` is ``async for ... in slot.aiter()``."""
        return self.aiter()

    async def _readable(self, loop, deadline):
        """Wait until the descriptor is readable or DEADLINE (loop time)."""
        waiter = loop.create_future()
        if self._waiters is None:
            fd = self.fileno()
            loop.add_reader(fd, self._wake, loop, fd)
            self._waiters = (fd, [])
        self._waiters[1].append(waiter)
        timer = None
        if deadline is not None:
            timer = loop.call_at(deadline, _set_done, waiter)
        try:
            await waiter
        finally:
            if timer is not None:
                timer.cancel()
            self._forget(loop, waiter)

    def _wake(self, loop, fd):
        """The descriptor is readable: wake every waiting coroutine."""
        loop.remove_reader(fd)
        waiters, self._waiters = self._waiters, None
        if waiters is not None:
            for waiter in waiters[1]:
                _set_done(waiter)

    def _forget(self, loop, waiter):
        """Drop WAITER; the last one gone stops watching the descriptor."""
        if self._waiters is None:
            return
        fd, waiters = self._waiters
        if waiter in waiters:
            waiters.remove(waiter)
        if not waiters:
            self._waiters = None
            loop.remove_reader(fd)

    # -- the rest of the protocol --------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        cls = type(self)
        state = "closed" if self.closed else f"timeout={self.timeout!r}"
        return (f"<{cls.__module__}.{cls.__qualname__} "
                f"name={self.display_name!r} {state}>")


def _set_done(future):
    """Complete FUTURE unless it is already done or cancelled."""
    if not future.done():
        future.set_result(None)


def create(name, max_size=0, timeout=None, encoding="auto", *,
           queue_limit_msgs=None, queue_limit_bytes=None, access=None):
    """Create the mailslot NAME and return it as a :class:`Mailslot`.

    NAME is ``\\\\.\\mailslot\\a\\b`` or the short form ``a\\b`` / ``a/b``
    (local names only).  MAX_SIZE is the largest message accepted in bytes
    (0: any).  TIMEOUT is the default read timeout in seconds: None (the
    default) blocks, 0 only looks.  ENCODING says what the writers send,
    for :meth:`Mailslot.read_text`: ``"auto"`` (the default) recognises
    UTF-8, UTF-16LE and ANSI; ``"utf-8"``, ``"utf-16le"``, ``"ansi"`` or
    ``"cp1252"`` decode as told, never guessing.

    QUEUE_LIMIT_MSGS and QUEUE_LIMIT_BYTES cap the queue (messages, and
    bytes of all queued messages together; None: the library's defaults,
    about a million messages and 64 MiB).  A writer that finds the queue
    full waits for room up to its timeout, then raises :class:`FullError`.

    ACCESS says who may write: None or ``"user"`` (this user only),
    ``"all"`` (every local user, as on Windows) or ``"group:NAME"`` (that
    group's members; Linux only).  Shared slots live in the system's
    shared directory (README, "Shared slots"); :class:`AccessDeniedError`
    when it cannot be used.

    Raises :class:`ExistsError` when a live reader has the name,
    :class:`InvalidNameError` for a bad name, LookupError for an unknown
    encoding, and TypeError or ValueError (naming the option) for a bad
    option, before anything is created.
    """
    return Mailslot(name, max_size, timeout, encoding,
                    queue_limit_msgs=queue_limit_msgs,
                    queue_limit_bytes=queue_limit_bytes, access=access)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


_WRITE_TIMEOUT = _c.DEFAULT_WRITE_TIMEOUT


class Writer(_c.Writer):
    """A mailslot opened for writing; ``Writer(name, ...)`` is :func:`open`.

    :meth:`write` sends one message per call, :meth:`write_async` the same
    without blocking an asyncio event loop.  :attr:`timeout` is how long a
    write waits for room in a full queue.  Use it as a context manager to
    close it.
    """

    __slots__ = ("__weakref__",)

    def __new__(cls, name, *, timeout=_WRITE_TIMEOUT, netbios_name=None,
                workgroup=None, broadcast=None, port=None):
        """Open the slot NAME for writing; see :func:`open`."""
        return _c._open(cls, name, timeout=timeout,
                        netbios_name=netbios_name, workgroup=workgroup,
                        broadcast=broadcast, port=port)

    async def write_async(self, data, *, encoding="utf-8", nul=False):
        """Send DATA as :meth:`write` does, without blocking the event loop.

        The message is made at once (bad input raises here and sends
        nothing); the write itself runs in the loop's default executor (a
        worker thread), so while a full queue makes it wait, up to the
        writer's :attr:`timeout`, the loop runs other tasks.  It returns
        the byte count, or raises what :meth:`write` raises
        (:class:`FullError` when the queue stayed full for the timeout).
        Cancelling the coroutine stops the waiting, not the write: the
        message may still be delivered.  Writes from one task arrive in
        the order they were awaited.
        """
        if self.closed:
            raise ValueError("I/O operation on closed mailslot writer")
        message = _c._message(data, encoding=encoding, nul=nul)
        loop = _running_loop()
        return await loop.run_in_executor(None, self.write, message)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        cls = type(self)
        state = "closed" if self.closed else f"timeout={self.timeout!r}"
        return (f"<{cls.__module__}.{cls.__qualname__} name={self.name!r} "
                f"{state}>")


def open(name, *, timeout=_WRITE_TIMEOUT, netbios_name=None,  # noqa: A001
         workgroup=None, broadcast=None, port=None):
    """Open the mailslot NAME for writing and return a :class:`Writer`.

    A local name needs a live reader, else :class:`NotFoundError` (a
    :class:`FileNotFoundError`) is raised.  Remote names
    (``\\\\host\\mailslot\\x``, ``\\\\*\\mailslot\\x``) send
    NetBIOS datagrams (at most 424 bytes for a short name; see the
    project's docs/network.md); nobody needs to be listening.

    TIMEOUT is how long a write waits for room when the reader's queue is
    full, in seconds (None: for ever, 0: not at all), before it raises
    :class:`FullError`; :attr:`Writer.timeout` changes it later.  The rest
    configure remote names (None: the environment variable
    ``MAILSLOT_NETBIOS_NAME``, ``MAILSLOT_WORKGROUP``, ``MAILSLOT_BROADCAST``
    or ``MAILSLOT_REMOTE_PORT``, else the default): NETBIOS_NAME is the
    name we send as (default: the host name's first label), WORKGROUP the
    domain ``\\\\*\\`` goes to (default ``"WORKGROUP"``), BROADCAST the
    interfaces or IPv4 broadcast addresses to use, comma-separated
    (default: every up broadcast interface), PORT the UDP port (default
    138).  A bad option raises TypeError or ValueError naming it, before
    anything is opened.
    """
    return Writer(name, timeout=timeout, netbios_name=netbios_name,
                  workgroup=workgroup, broadcast=broadcast, port=port)


def send(name, data, *, encoding="utf-8", nul=False, timeout=_WRITE_TIMEOUT,
         netbios_name=None, workgroup=None, broadcast=None, port=None):
    """Send one message to the mailslot NAME: open, write, close.

    DATA is any bytes-like object (sent as it is) or a str, encoded with
    ENCODING (``"utf-8"``, ``"utf-16le"`` or ``"ansi"``) and followed by a
    NUL terminator when NUL is true.  The other keywords are those of
    :func:`open`.  Return the number of bytes sent.  Bad input raises
    before anything is sent.
    """
    return _c.send(name, data, encoding=encoding, nul=nul, timeout=timeout,
                   netbios_name=netbios_name, workgroup=workgroup,
                   broadcast=broadcast, port=port)
