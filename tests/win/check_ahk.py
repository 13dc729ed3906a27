#!/usr/bin/env python3
"""Check every DllCall into mailslot.dll in the AutoHotkey files.

No AutoHotkey interpreter runs on Linux, so this is the static half of the
substitute (tests/win/test_win_dll.c is the dynamic half): each
DllCall("mailslot\\NAME", Type, Arg, ..., ReturnType) in ahk/*.ahk and
ahk/examples/*.ahk must

  - name a function that both DLLs (x64 and x86) export, undecorated;
  - pass as many arguments as mailslot.h declares for it;
  - pass arguments whose 32-bit sizes add up to the stdcall byte count
    of the x86 build (the N of _NAME@N), so the stack is balanced under
    AutoHotkey's default (stdcall) convention;
  - use a return type of the right size (Int64 for int64_t, Ptr for
    pointers and size_t, Int for int);
  - never pass a string as "Str"/"AStr" (the width of "Str" depends on
    the AutoHotkey build; the DLL takes UTF-16 through "WStr").

usage: check_ahk.py SOURCE_DIR X64_DLL X86_DLL X86_STATIC_LIB
Prints one line per file and "N passed, N failed".
"""
import re
import subprocess
import sys
from pathlib import Path

SIZE32 = {
    "int": 4, "uint": 4, "short": 4, "ushort": 4, "char": 4, "uchar": 4,
    "float": 4, "ptr": 4, "uptr": 4, "str": 4, "wstr": 4, "astr": 4,
    "int64": 8, "uint64": 8, "double": 8,
}
# The AutoHotkey types that fit each C parameter type.
PARAMS = {
    "pointer": {"ptr", "uptr", "wstr"}, "size_t": {"uptr", "ptr"},
    "intptr_t": {"ptr", "uptr"}, "int": {"int"}, "int32_t": {"int"},
    "uint32_t": {"uint", "int"}, "int64_t": {"int64"},
}
# The C return type of each family, and the AutoHotkey types that fit it.
RETURNS = {
    "int": {"int"}, "int32_t": {"int"}, "int64_t": {"int64"},
    "size_t": {"uptr", "ptr"}, "void": {"int", None},
    "pointer": {"ptr", "uptr"},
}


def exports(objdump, dll):
    out = subprocess.run([objdump, "-p", str(dll)], capture_output=True,
                         text=True, check=True).stdout
    table = out.split("[Ordinal/Name Pointer] Table", 1)[1].split("\n\n")[0]
    return set(re.findall(r"\]\s+(\S+)", table))


def stdcall_sizes(nm, lib):
    out = subprocess.run([nm, str(lib)], capture_output=True, text=True,
                         check=True).stdout
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r" T _(mailslot_\w+)@(\d+)$", out, re.M)}


def declarations(header):
    """name -> (return family, parameter types) from mailslot.h."""
    text = Path(header).read_text()
    decls = {}
    pat = r"MAILSLOT_API\s+([^;]*?)\s*MAILSLOT_CALL\s*(\w+)\s*\(([^)]*)\)"
    for m in re.finditer(pat, text, re.S):
        ret, name, params = m.group(1).strip(), m.group(2), m.group(3)
        params = " ".join(params.split())
        kinds = []
        for p in ([] if params in ("void", "") else params.split(",")):
            kinds.append("pointer" if "*" in p else p.split()[-2])
        if "*" in ret:
            ret = "pointer"
        decls[name] = (ret.split()[-1], kinds)
    return decls


def split_args(s, start):
    """Top-level comma-separated arguments of the call opened at START."""
    args, depth, cur, i, quote = [], 0, "", start, None
    while i < len(s):
        c = s[i]
        if quote:
            cur += c
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            cur += c
        elif c in "([{":
            depth += 1
            cur += c
        elif c in ")]}":
            if depth == 0:
                args.append(cur.strip())
                return args
            depth -= 1
            cur += c
        elif c == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        elif c == ";" and s[i - 1] in " \t" and depth >= 0 and not quote:
            # A comment: skip to the end of the line.
            while i < len(s) and s[i] != "\n":
                i += 1
            continue
        else:
            cur += c
        i += 1
    raise ValueError("unterminated DllCall")


def check_call(args, decls, exp64, exp32, sizes):
    fn = re.fullmatch(r'"mailslot\\(\w+)"', args[0])
    if not fn:
        return None, []
    name, rest, problems = fn.group(1), args[1:], []
    ret = None
    if len(rest) % 2 == 1:
        ret = rest[-1].strip('"').lower()
        rest = rest[:-1]
    types = [t.strip('"').lower() for t in rest[0::2]]
    if name not in decls:
        return name, [f"{name} is not in mailslot.h"]
    family, kinds = decls[name]
    nparams = len(kinds)
    for dll, table in (("x64", exp64), ("x86", exp32)):
        if name not in table:
            problems.append(f"{name} is not exported by the {dll} DLL")
    if len(types) != nparams:
        problems.append(f"{name}: {len(types)} arguments, mailslot.h has "
                        f"{nparams}")
    for i, (t, k) in enumerate(zip(types, kinds)):
        fits = t.endswith("*") if k == "pointer" else False
        if not fits and t not in PARAMS.get(k, {t}):
            problems.append(f"{name}: argument {i + 1} is {t}, C has {k}")
    bad = [t for t in types if t.rstrip("*") not in SIZE32]
    if bad:
        problems.append(f"{name}: unknown types {bad}")
    if any(t in ("str", "astr") for t in types):
        problems.append(f"{name}: pass UTF-16 as \"WStr\" (or a pointer), "
                        f"never \"Str\"/\"AStr\"")
    total = sum(4 if t.endswith("*") else SIZE32.get(t, 0) for t in types)
    if name in sizes and total != sizes[name]:
        problems.append(f"{name}: {total} bytes of arguments on x86, the "
                        f"DLL takes {sizes[name]} (stdcall @{sizes[name]})")
    if ret is not None and ret.endswith("*"):
        problems.append(f"{name}: return type {ret}")
    elif ret not in RETURNS.get(family, {ret}) and not (
            ret is None and family == "int"):
        problems.append(f"{name}: return type {ret or 'Int (default)'} "
                        f"for C {family}")
    return name, problems


def main():
    src, dll64, dll32, lib32 = (Path(a) for a in sys.argv[1:5])
    decls = declarations(src / "core/include/mailslot.h")
    exp64 = exports("x86_64-w64-mingw32-objdump", dll64)
    exp32 = exports("i686-w64-mingw32-objdump", dll32)
    sizes = stdcall_sizes("i686-w64-mingw32-nm", lib32)
    files = sorted((src / "ahk").glob("*.ahk")) + \
        sorted((src / "ahk/examples").glob("*.ahk"))
    passed = failed = 0
    for f in files:
        text = f.read_text(encoding="utf-8-sig")
        calls, problems, names = 0, [], set()
        for m in re.finditer(r"DllCall\(", text):
            args = split_args(text, m.end())
            name, found = check_call(args, decls, exp64, exp32, sizes)
            if name is None:
                continue
            calls += 1
            names.add(name)
            line = text.count("\n", 0, m.start()) + 1
            problems += [f"{f.name}:{line}: {p}" for p in found]
        rel = f.relative_to(src)
        if problems:
            failed += 1
            print(f"not ok - {rel}:")
            for p in problems:
                print("    " + p)
        else:
            passed += 1
            print(f"ok   - {rel}: {calls} DllCalls into mailslot.dll, "
                  f"{len(names)} functions, all match")
    if not files:
        failed += 1
        print("not ok - no .ahk files found")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
