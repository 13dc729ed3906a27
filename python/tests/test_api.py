"""The Python surface: bad input, the exception classes, hints, docs.

Bad input (wrong types, closed objects, invalid names, oversized
messages) raises the documented exception and sends nothing.
"""
import ast
import errno
import inspect
import math
import os
import pickle
import pydoc
from pathlib import Path

import pytest

import mailslot
from mailslot import _mailslot


def test_version_is_the_c_librarys():
    header = (Path(__file__).resolve().parents[2] / "core" / "include"
              / "mailslot.h").read_text()
    assert f'#define MAILSLOT_VERSION_STRING "{mailslot.__version__}"' \
        in header


def test_the_extension_is_abi3():
    assert _mailslot.__file__.endswith(".abi3.so")


@pytest.mark.parametrize("bad", [b"bytes-name", 42, None, ["x"]])
def test_names_must_be_str(bad):
    with pytest.raises(TypeError):
        mailslot.create(bad)
    with pytest.raises(TypeError):
        mailslot.open(bad)
    with pytest.raises(TypeError):
        mailslot.send(bad, b"x")


@pytest.mark.parametrize("bad", [
    "", "a\0b", "a\\\\b", "a/./b", "a/../b", "a*b", "a?b", "a:b", "a\nb",
    "\ud800x", "x" * 300, "\\\\.\\mailslot\\", "\\\\host\\other\\x",
])
def test_invalid_names(bad):
    for call in (mailslot.create, mailslot.open):
        with pytest.raises(mailslot.Error) as info:
            call(bad)
        assert info.value.errname == "invalid_name"
        assert type(info.value) is mailslot.InvalidNameError
        assert info.value.errno is None      # not an OS error
    with pytest.raises(mailslot.InvalidNameError):
        mailslot.send(bad, b"x")


def test_remote_names_cannot_be_created():
    with pytest.raises(mailslot.InvalidNameError):
        mailslot.create("\\\\host\\mailslot\\x")


@pytest.mark.parametrize("bad", [42, 1.5, None, ["x"], {"a": 1}, object()])
def test_messages_must_be_bytes_like_or_str(slot, name, bad):
    with mailslot.open(name) as writer:
        with pytest.raises(TypeError):
            writer.write(bad)
    with pytest.raises(TypeError):
        mailslot.send(name, bad)
    assert slot.info().count == 0            # nothing was sent


def test_bad_text_sends_nothing(slot, name):
    with pytest.raises(UnicodeEncodeError):
        mailslot.send(name, "\u03a9", encoding="ansi")
    with pytest.raises(UnicodeEncodeError):
        mailslot.send(name, "lone \udc00")
    with pytest.raises(LookupError):
        mailslot.send(name, "x", encoding="klingon")
    with pytest.raises(mailslot.InvalidArgumentError):
        mailslot.send(name, "x", encoding="auto")
    with pytest.raises(TypeError):
        mailslot.send(name, "x", encoding=8)
    with mailslot.open(name) as writer:
        with pytest.raises(UnicodeEncodeError):
            writer.write("\U0001F600", encoding="ansi")
        assert writer.write(b"ok", encoding="ansi") == 2   # bytes as given
    assert slot.info().count == 1


def test_oversized_sends_nothing(name):
    with mailslot.create(name, max_size=4, timeout=0) as slot:
        with pytest.raises(mailslot.TooBigError) as info:
            mailslot.send(name, b"12345")
        assert info.value.code == -6
        with pytest.raises(mailslot.TooBigError):
            mailslot.send(name, "1234", nul=True)
        assert slot.info().count == 0


@pytest.mark.parametrize("bad,exc", [
    ("1", TypeError), (b"1", TypeError), (-1, ValueError),
    (math.nan, ValueError), (1e12, OverflowError), (-0.5, ValueError),
])
def test_bad_timeouts(name, slot, bad, exc):
    with pytest.raises(exc):
        mailslot.create(name + "x", timeout=bad)
    with pytest.raises(exc):
        slot.read(bad)
    with pytest.raises(exc):
        slot.timeout = bad
    with pytest.raises(exc):
        slot.read_text(timeout=bad)
    assert slot.timeout == 0.0


@pytest.mark.parametrize("bad,exc", [
    (-1, ValueError), (2**32, ValueError), (1.0, TypeError), ("1", TypeError),
])
def test_bad_max_size(name, bad, exc):
    with pytest.raises(exc):
        mailslot.create(name, max_size=bad)


def test_read_text_checks_its_arguments_before_reading(slot, name):
    mailslot.send(name, b"keep me")
    with pytest.raises(LookupError):
        slot.read_text(encoding="nope")
    with pytest.raises(LookupError):
        slot.read_text(errors="ignore")
    assert slot.read_text() == "keep me"


def test_codec_argument_types():
    with pytest.raises(TypeError):
        mailslot.encode(b"bytes")
    with pytest.raises(TypeError):
        mailslot.decode("text")
    with pytest.raises(TypeError):
        mailslot.decode(42)
    with pytest.raises(LookupError):
        mailslot.decode(b"x", "latin-1")


def test_closed_objects_raise_value_error(name):
    slot = mailslot.create(name)
    writer = mailslot.open(name)
    writer.close()
    slot.close()
    with pytest.raises(ValueError):
        writer.write(b"x")
    with pytest.raises(ValueError):
        next(iter([slot.read]))()
    assert list(slot) == []                  # iteration just ends
    assert "closed" in repr(slot) and "closed" in repr(writer)


def test_objects_are_made_by_create_and_open(name):
    with pytest.raises(TypeError):
        _mailslot.Reader()
    with pytest.raises(TypeError):
        _mailslot.Writer()
    with mailslot.Mailslot(name, timeout=0) as slot:
        assert isinstance(slot, mailslot.Mailslot)
        with mailslot.Writer(name) as writer:
            assert writer.name == slot.name == mailslot.canonical_name(name)
            assert repr(writer) == \
                f"<mailslot.Writer name={writer.name!r} timeout=5.0>"
        full = "\\\\.\\mailslot\\" + name
        assert slot.display_name == full
        assert repr(slot) == f"<mailslot.Mailslot name={full!r} timeout=0.0>"
        assert slot.fileno() >= 0


def test_every_c_error_code_is_decided():
    """Each code of the C list has its class, or is one Python never
    raises as itself (a new C code fails here until someone decides)."""
    code = -1
    while _mailslot.errname(code) != "unknown":
        errname = _mailslot.errname(code)
        exc = mailslot._error(code, 0, "slot")
        assert (exc.code, exc.errname, exc.filename) == (code, errname,
                                                         "slot")
        detail = f"; {exc.detail}" if exc.detail else ""
        assert str(exc) == (f"{_mailslot.strerror(code)} ({errname}): "
                            f"'slot'{detail}")
        if errname in mailslot._NO_CLASS:
            assert type(exc) is mailslot.Error
        else:
            cls = type(exc)
            assert cls is not mailslot.Error, errname
            assert cls.__name__.endswith("Error")
            assert getattr(mailslot, cls.__name__) is cls
            assert cls.__name__ in mailslot.__all__ or \
                cls.__name__ == "TimeoutError"
        code -= 1
    assert code < -21


def test_error_class_names_follow_pep8():
    classes = [getattr(mailslot, n) for n in dir(mailslot)]
    errors = [c for c in classes
              if isinstance(c, type) and issubclass(c, BaseException)]
    assert mailslot.Error in errors and len(errors) == 16
    assert all(c.__name__.endswith("Error") for c in errors)
    for gone in ("Encoding", "BufferTooSmall", "Closed", "Interrupted",
                 "OsError", "Malformed", "NotAddressed"):
        assert not hasattr(mailslot, gone)
        assert not hasattr(mailslot, gone + "Error")


def test_old_names_are_deprecated_aliases():
    with pytest.warns(DeprecationWarning, match="mailslot.TimeoutError"):
        assert mailslot.Timeout is mailslot.TimeoutError
    with pytest.warns(DeprecationWarning, match="NotFoundError"):
        from mailslot import NotFound
    assert NotFound is mailslot.NotFoundError
    assert "Timeout" not in mailslot.__all__
    with pytest.raises(AttributeError):
        mailslot.Nonsense


def test_star_import_keeps_the_builtin_timeout_error():
    scope = {}
    exec("from mailslot import *", scope)
    assert "TimeoutError" not in scope
    assert scope["FullError"] is mailslot.FullError
    assert issubclass(mailslot.TimeoutError, TimeoutError)


@pytest.mark.parametrize("cls,builtin", [
    ("NotFoundError", FileNotFoundError), ("ExistsError", FileExistsError),
    ("TimeoutError", TimeoutError), ("AccessDeniedError", PermissionError),
    ("UnsafeDirectoryError", PermissionError),
    ("ReaderGoneError", BrokenPipeError),
    ("InvalidArgumentError", ValueError),
])
def test_error_builtin_bases(cls, builtin):
    assert issubclass(getattr(mailslot, cls), builtin)
    assert issubclass(mailslot.Error, OSError)


def test_plain_errors_have_no_builtin_base():
    for cls in (mailslot.TooBigError, mailslot.FullError,
                mailslot.InvalidNameError, mailslot.NetworkError):
        assert cls.__bases__ == (mailslot.Error,)


def test_encode_auto_is_a_value_error(name):
    with pytest.raises(ValueError) as info:
        mailslot.encode("x", "auto")
    assert info.value.errname == "invalid_argument"


def test_errors_pickle_and_keep_the_os_error(name):
    with pytest.raises(mailslot.NotFoundError) as info:
        mailslot.open(name)
    assert info.value.errno == errno.ENOENT  # the OS error behind it
    assert not hasattr(info.value, "winerror")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is mailslot.NotFoundError
    assert (copy.code, copy.errname, copy.filename, copy.errno) == (
        -3, "not_found", name, errno.ENOENT)


def test_a_windows_error_does_not_go_into_errno(monkeypatch):
    """On Windows the OS error is a Windows code: it goes to OSError as
    winerror, which derives errno from it (elsewhere OSError ignores
    winerror, so errno stays None here rather than a wrong number)."""
    monkeypatch.setattr(mailslot, "_WINDOWS", True)
    exc = mailslot._error(-3, 2, "slot")     # ERROR_FILE_NOT_FOUND
    if os.name == "nt":
        assert (exc.winerror, exc.errno) == (2, errno.ENOENT)
    else:
        assert exc.errno is None
    assert exc.filename == "slot" and exc.errname == "not_found"


def test_stub_names_match_the_package():
    stub = Path(mailslot.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
    public = {n for n in names if not n.startswith("_")}
    # TimeoutError is public but kept out of "import *" (see the package).
    assert public == set(mailslot.__all__) | {"TimeoutError"}
    assert Path(mailslot.__file__).with_name("py.typed").exists()


def test_everything_has_a_docstring():
    for name in mailslot.__all__:
        obj = getattr(mailslot, name)
        if inspect.isclass(obj) or callable(obj):
            assert obj.__doc__, name
    for cls in (mailslot.Mailslot, mailslot.Writer):
        for attr, member in inspect.getmembers(cls):
            if not attr.startswith("_") or attr in ("__iter__", "__aiter__"):
                assert member.__doc__, f"{cls.__name__}.{attr}"
    text = pydoc.render_doc(mailslot, renderer=pydoc.plaintext)
    for word in ("create(", "read_async", "NotFoundError", "decode("):
        assert word in text
    assert inspect.signature(mailslot.decode).parameters["errors"].default \
        == "replace"


def test_list_and_canonical_name(name):
    """The command's list and the library's canonical names, from Python."""
    assert mailslot.canonical_name("Caf\u00e9/x") == \
        "\\\\.\\mailslot\\CAF\u00c9\\X"
    assert mailslot.canonical_name("\\\\.\\mailslot\\caf\u00e9\\x") == \
        mailslot.canonical_name("CAF\u00c9\\X")
    with pytest.raises(mailslot.InvalidNameError):
        mailslot.canonical_name("a//b")
    with pytest.raises(TypeError):
        mailslot.canonical_name(7)
    assert name.replace("\\", "/") not in [
        n.replace("\\", "/") for n in mailslot.list()]
    with mailslot.create(name):
        listed = mailslot.list()
        assert isinstance(listed, list) and all(isinstance(n, str)
                                                for n in listed)
        assert mailslot.canonical_name(name) in [
            mailslot.canonical_name(n) for n in listed]
    assert mailslot.canonical_name(name) not in [
        mailslot.canonical_name(n) for n in mailslot.list()]


def test_unsafe_directory_says_which_and_how_to_fix(tmp_path, monkeypatch):
    plain = tmp_path / "not-a-directory"
    plain.write_text("")
    monkeypatch.setenv("MAILSLOT_DIR", str(plain))
    with pytest.raises(mailslot.UnsafeDirectoryError) as caught:
        mailslot.create("py\\unsafe")
    assert str(plain) in caught.value.detail
    assert "MAILSLOT_DIR" in caught.value.detail
    assert caught.value.detail in str(caught.value)
    # Errors with nothing more to say have an empty detail.
    assert mailslot.TimeoutError(mailslot._CODES["timeout"]).detail == ""
