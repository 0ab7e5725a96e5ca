"""Writing output files safely: every target is checked before anything is written, each file is written to a
temporary file in its target directory and renamed into place (`os.replace`), so an error never leaves a partial
file behind, and an existing file is only replaced with `--force`. A target that is a symbolic link is written
through to the file it points to (the link stays a link), also only with `--force`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from examgen.errors import UserError
from examgen.i18n import Bi


def real_target(p: Path) -> Path:
    """Where writing `p` really goes: through any symbolic links to the file they name."""
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def check_targets(paths: list[Path], force: bool) -> None:
    """One-line errors for targets that cannot be written (before any rendering or writing)."""
    seen: set[Path] = set()
    for link in paths:
        if link.is_symlink() and not force:
            to = os.path.realpath(link)
            raise UserError(Bi(f"{link} 已存在（是指向 {to} 的链接）；要替换它所指的文件，请加 --force",
                               f"{link} already exists (a link to {to}); use --force to replace the file it points to"))
        p = real_target(link)
        if p in seen:
            raise UserError(Bi(f"有两个输出都会写到 {p}", f"two outputs would both be written to {p}"))
        seen.add(p)
        parent = p.parent
        if p.is_dir():
            raise UserError(Bi(f"{p} 是一个目录；请用 --output 给出文件名",
                               f"{p} is a directory; give a file name with --output"))
        if not parent.exists():
            raise UserError(Bi(f"无法写入 {p}：目录 {parent} 不存在",
                               f"cannot write {p}: the directory {parent} does not exist"))
        if not parent.is_dir():
            raise UserError(Bi(f"无法写入 {p}：{parent} 不是目录", f"cannot write {p}: {parent} is not a directory"))
        if not os.access(parent, os.W_OK | os.X_OK):
            raise UserError(Bi(f"无法写入 {p}：目录 {parent} 没有写权限",
                               f"cannot write {p}: the directory {parent} is not writable"))
        if p.exists() and not force:
            raise UserError(Bi(f"{p} 已存在；要替换它，请加 --force", f"{p} already exists; use --force to replace it"))


def write_all(files: dict[Path, bytes], force: bool) -> list[Path]:
    """Write every file or none: all go to temporary files first, then are renamed into place."""
    check_targets(list(files), force)
    temps: list[tuple[str, Path]] = []
    path: Path | None = None
    try:
        for link, data in files.items():
            path = real_target(link)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644 & ~_umask())
        for tmp, path in temps:
            os.replace(tmp, path)
    except OSError as exc:
        for tmp, _ in temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        reason = exc.strerror or str(exc)  # the system's words for it (e.g. No space left on device)
        if path is None:
            raise UserError(Bi(f"无法写入输出文件：{reason}", f"cannot write the output: {reason}")) from None
        # the file asked for, never the temporary name beside it
        raise UserError(Bi(f"无法写入 {path}：{reason}", f"cannot write {path}: {reason}")) from None
    return list(files)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
