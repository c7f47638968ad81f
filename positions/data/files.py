"""Safe file handling for user input and output: regular files only, no hangs on FIFOs, encodings
detected from a BOM, atomic replacement that keeps permissions and never follows a symlink."""
from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import uuid
from pathlib import Path

from positions.errors import InputError, StoreError

TEMP_RE = re.compile(r"^\..+\.[0-9a-f]{32}\.tmp$")
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
         (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def shown(path) -> str:
    """The path as messages print it: very long names shortened in the middle."""
    text = str(path)
    return text if len(text) <= 120 else f"{text[:60]}…{text[-50:]}"


def os_problem(e: OSError) -> str:
    """A short reason for an OSError (symlink loops and over-long names included)."""
    reasons = {errno.ENOENT: "file not found", errno.EISDIR: "is a directory, expected a file",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
               errno.ENAMETOOLONG: "file name too long", errno.ENOTDIR: "a part of the path is not a folder",
               errno.ENOSPC: "no space left on the device", errno.EROFS: "read-only file system"}
    return reasons.get(e.errno, e.strerror or str(e))


def kind_of(mode: int) -> str | None:
    """'a FIFO (named pipe)', 'a device', ... for anything but a regular file; None for a regular file."""
    for test, name in KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def open_regular(path: str | Path):
    """Open a user's file for binary reading. Refuses FIFOs, devices and sockets without blocking on
    them (O_NONBLOCK, then fstat); StoreError with one line naming the file otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise StoreError(f"{shown(path)}: {os_problem(e)}") from None
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind:
            raise StoreError(f"{shown(path)}: is {kind}; give a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sniff_encoding(raw: bytes, encoding: str) -> str:
    """The encoding to decode with: a byte-order mark wins over the given one."""
    for bom, name in BOMS:
        if raw.startswith(bom):
            return name
    return encoding


def decode(raw: bytes, path, encoding: str = "utf-8") -> str:
    """Bytes of a text file -> text. BOMs (UTF-8/16/32) are honoured; NUL characters in the decoded
    text mean a binary file. StoreError names the file and what to do."""
    name = sniff_encoding(raw, encoding)
    try:
        codecs.lookup(name)
    except LookupError:
        raise StoreError(f"unknown encoding {encoding!r}; use e.g. utf-8, utf-16, cp1252 or latin-1") from None
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as e:
        if b"\x00" in raw[:8192] and not name.startswith(("utf-16", "utf-32")):
            raise binary_error(path) from None
        raise StoreError(f"{shown(path)}: not valid {name} (byte {e.start}); "
                         "re-save it as UTF-8 or pass --encoding") from None
    if "\x00" in text[:8192]:
        raise binary_error(path)
    return text.lstrip("\ufeff")


def binary_error(path) -> StoreError:
    return StoreError(f"{shown(path)}: looks binary (NUL bytes); give a text file (or --encoding utf-16 for UTF-16)")


def read_text(path: str | Path, encoding: str = "utf-8") -> str:
    """A user's whole text file, checked (regular file, encoding, not binary)."""
    with open_regular(path) as fh:
        try:
            raw = fh.read()
        except OSError as e:
            raise StoreError(f"{shown(path)}: {os_problem(e)}") from None
    return decode(raw, path, encoding)


def temp_name(path: Path) -> Path:
    """A temp file beside `path` that the start-up clean-up recognises (see clean_temp_files)."""
    return path.with_name(f".{path.name[:100]}.{uuid.uuid4().hex}.tmp")


def new_file_mode(path: Path) -> int:
    """The mode a replaced file keeps: the existing file's (never a symlink's target's), else 0666 & ~umask."""
    try:
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a temp file beside `path` with the mode `path` will keep; fsync; return it."""
    tmp = temp_name(path)
    mode = new_file_mode(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
    except BaseException:
        unlink_quietly(tmp)
        raise
    return tmp


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (temp file + rename). A symlink at `path` is replaced,
    never followed; the file's permissions are kept. StoreError (one line) when it cannot be written."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = stage(path, data)
    except OSError as e:
        raise StoreError(f"{shown(path)}: cannot be written: {os_problem(e)}") from None
    try:
        os.replace(tmp, path)
    except OSError as e:
        unlink_quietly(tmp)
        raise StoreError(f"{shown(path)}: cannot be written: {os_problem(e)}") from None
    fsync_dir(path.parent)


def clean_temp_files(folder: Path) -> list[Path]:
    """Remove temp files a killed writer left in `folder` (call with the data lock held)."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if TEMP_RE.match(name):
            unlink_quietly(folder / name)
            removed.append(folder / name)
    return removed


def check_output(out: str | Path, force: bool, protected: list[Path], option: str = "--out") -> Path:
    """Refuse (InputError, one line) an output that is a directory, or without --force a symlink,
    a device, a FIFO or one of the project's own data files; check its folder can be written."""
    target = Path(out)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise InputError(f"{option} {shown(out)!r}: {os_problem(e)}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{option} {shown(out)!r} is a directory; give a file name")
        if stat.S_ISLNK(st.st_mode) and not force:
            raise InputError(f"{option} {shown(out)!r} is a symbolic link; give another name, or --force to "
                             "replace the link itself (its target is never written)")
        kind = None if stat.S_ISLNK(st.st_mode) else kind_of(st.st_mode)
        if kind and not force:
            raise InputError(f"{option} {shown(out)!r} is {kind}; give a regular file name (or --force)")
        if not force and is_protected(target, protected):
            raise InputError(f"{option} {shown(out)!r} is one of the project's data files; write elsewhere "
                             "(or --force to replace it)")
    elif not force and is_protected(target, protected):
        raise InputError(f"{option} {shown(out)!r} is inside the project's data folder; write elsewhere (or --force)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{option} {shown(out)!r} cannot be written: {os_problem(e)}") from None
    if not os.access(target.parent, os.W_OK):
        raise InputError(f"{option} {shown(out)!r} cannot be written: permission denied")
    _probe(target, option)
    return target


def _probe(target: Path, option: str) -> None:
    """Create and remove a temp file beside `target`: a folder that takes no new files (/proc, a full
    or read-only disk) is refused now, not after the work that was to be written."""
    probe = temp_name(target)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600))
    except OSError as e:
        why = "its folder does not take new files" if e.errno == errno.ENOENT else os_problem(e)
        raise InputError(f"{option} {shown(target)!r} cannot be written: {why}") from None
    unlink_quietly(probe)


def is_protected(target: Path, protected: list[Path]) -> bool:
    """True if `target` is one of `protected` or inside a protected folder (paths compared resolved)."""
    try:
        where = target.parent.resolve() / target.name
    except (OSError, RuntimeError):
        return False
    for p in protected:
        try:
            p = p.resolve()
        except (OSError, RuntimeError):  # a symlink loop protects nothing
            continue
        if where == p or (p.is_dir() and p in where.parents):
            return True
    return False


def is_special(path: Path) -> bool:
    """An existing non-regular, non-symlink file (device, FIFO, socket): written in place, not replaced."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return not stat.S_ISLNK(st.st_mode) and kind_of(st.st_mode) not in (None, "a directory")


def write_output(path: Path, data: bytes) -> None:
    """Write an export: devices and FIFOs (allowed with --force) in place, files atomically."""
    if is_special(path):
        try:
            with open(path, "wb") as fh:
                fh.write(data)
        except OSError as e:
            raise StoreError(f"{shown(path)}: cannot be written: {os_problem(e)}") from None
        return
    atomic_write_bytes(path, data)


_DIRS = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\\/\s:'\"]+)+[\\/](?=[^\\/\s:'\"])")


ENCODING_ADVICE = (" or pass --encoding", " (or --encoding utf-16 for UTF-16)", "; pass --encoding")


def drop_encoding_advice(text: str) -> str:
    """A message without its advice to pass --encoding (for a command or page that has no such option)."""
    for advice in ENCODING_ADVICE:
        text = text.replace(advice, "")
    return text


def public_message(error: Exception) -> str:
    """An error as a page may show it: one line, folders of server paths removed, no CLI advice."""
    text = drop_encoding_advice(_DIRS.sub("", str(error))).splitlines()
    return text[0] if text else type(error).__name__
