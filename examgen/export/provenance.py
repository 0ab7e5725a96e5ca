"""Variant codes: what a paper prints instead of its seed, and the code → seed map of keys and key tables.

A paper that printed its seed (or the command that made it) would hand every student its key: `examgen export
--seed N --key` prints it. So a paper carries an opaque code such as `V07-3KQ9`: the variant number and four
characters of an HMAC-SHA256 of what the paper is made of (seed, selection, shuffle), keyed with a secret that
never leaves the teacher's machine. Without the secret the code says nothing about the seed: a code computed
from the seed alone could be reversed by trying every small seed.

The secret is `EXAMGEN_VARIANT_SECRET` if set (to share codes between machines), else 32 random bytes kept in
`variant-secret` in the examgen data directory, created on first use. The same secret gives the same codes, so
papers, keys and key tables made by separate commands agree and re-exports stay byte-identical.

Keys and key tables carry the map code → {seed, variant, command, selection} as JSON: attached to the PDF as
`examgen-variants.json`, in a `<meta>` element of the HTML, in a comment of the Markdown. `read_map` reads it
back, so `examgen export --code V07-3KQ9 --key-table class-key-table.pdf --key` rebuilds that variant's key."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import os
import re
import secrets
import zlib
from pathlib import Path
from typing import Any

from examgen.errors import UserError
from examgen.i18n import Bi

SECRET_ENV = "EXAMGEN_VARIANT_SECRET"
SECRET_FILE = "variant-secret"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: a code read aloud or copied by hand stays right
ATTACHMENT = "examgen-variants.json"
MD_MARK = "examgen-variants:"
CODE_RE = re.compile(r"^V\d{2,3}-[" + ALPHABET + "]{4}$")
_secret_cache: dict[str, bytes] = {}


def secret() -> bytes:
    """The key of the codes: the environment variable, else the data directory's secret file (made once)."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode("utf-8")
    from examgen.store import data_dir

    path = data_dir() / SECRET_FILE
    cached = _secret_cache.get(str(path))
    if cached is not None:
        return cached
    try:
        value = path.read_bytes().strip()
    except FileNotFoundError:
        value = _create(path)
    except OSError as exc:
        raise UserError(Bi(f"无法读取试卷代码密钥 {path}：{exc.strerror}",
                           f"cannot read the variant-code secret {path}: {exc.strerror}")) from None
    if len(value) < 16:
        raise UserError(Bi(f"试卷代码密钥 {path} 太短（至少 16 个字符）；删除它即可重新生成",
                           f"the variant-code secret {path} is too short (at least 16 characters); delete it to "
                           f"make a new one"))
    _secret_cache[str(path)] = value
    return value


def _create(path: Path) -> bytes:
    value = secrets.token_hex(32).encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another export made it first
        return path.read_bytes().strip()
    except OSError as exc:
        raise UserError(Bi(f"无法创建试卷代码密钥 {path}：{exc.strerror}；可设置环境变量 {SECRET_ENV}",
                           f"cannot create the variant-code secret {path}: {exc.strerror}; or set {SECRET_ENV}")) \
            from None
    with os.fdopen(fd, "wb") as f:
        f.write(value + b"\n")
    return value


def identity(selection: dict[str, Any], seed: int | None) -> str:
    """What a paper is made of, as one canonical string (the language is not part of it)."""
    return json.dumps({**selection, "seed": seed}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def variant_code(ident: str, variant: int) -> str:
    """`V07-3KQ9`: the variant number, then 4 characters of HMAC-SHA256(secret, identity)."""
    n = int.from_bytes(hmac.new(secret(), ident.encode("utf-8"), hashlib.sha256).digest()[:8], "big")
    chars = ""
    for _ in range(4):
        n, r = divmod(n, len(ALPHABET))
        chars += ALPHABET[r]
    return f"V{variant:02d}-{chars}"


# ---------------------------------------------------------------- the map in keys and key tables
def map_json(entries: dict[str, dict[str, Any]]) -> str:
    return json.dumps(entries, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def html_meta(entries: dict[str, dict[str, Any]]) -> str:
    return f'<meta name="examgen-variants" content="{html.escape(map_json(entries), quote=True)}">'


def md_comment(entries: dict[str, dict[str, Any]]) -> str:
    return f"<!-- {MD_MARK} {map_json(entries).replace('--', '- -')} -->"


def _bad(path: Path) -> UserError:
    return UserError(Bi(f"{path} 不是 examgen 写出的答案或答案总表（其中没有试卷代码表）",
                        f"{path} is not an answer key or key table written by examgen (it has no variant codes)"))


def read_map(path: Path) -> dict[str, dict[str, Any]]:
    """The code → record map of a key or key table (PDF, HTML or Markdown); a one-line error otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(Bi(f"无法读取 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}")) from None
    text: str | None = None
    if data.startswith(b"%PDF"):
        text = _pdf_attachment(data)
    else:
        s = data.decode("utf-8", errors="replace")
        m = re.search(r'<meta name="examgen-variants" content="([^"]*)">', s)
        if m:
            text = html.unescape(m.group(1))
        else:
            m = re.search(r"<!-- " + re.escape(MD_MARK) + r" (.*?) -->", s, re.S)
            text = m.group(1).replace("- -", "--") if m else None
    if text is None:
        raise _bad(path)
    try:
        entries = json.loads(text)
    except ValueError:
        raise _bad(path) from None
    if not isinstance(entries, dict) or not all(isinstance(v, dict) and "seed" in v for v in entries.values()):
        raise _bad(path)
    return entries


def _pdf_attachment(data: bytes) -> str | None:
    """The attached `examgen-variants.json` of a PDF that Typst wrote (plain or Flate stream)."""
    for m in re.finditer(rb"<<([^\n]*?/Type/EmbeddedFile[^\n]*?)>>\s*stream\r?\n", data):
        head = m.group(1)
        n = re.search(rb"/Length (\d+)", head)
        if n is None:
            continue
        body = data[m.end():m.end() + int(n.group(1))]
        if b"FlateDecode" in head:
            try:
                body = zlib.decompress(body)
            except zlib.error:
                continue
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if text.startswith("{"):
            return text
    return None


def lookup(path: Path, code: str) -> dict[str, Any]:
    """The record of one code; a one-line error naming the codes the file has when it is not there."""
    code = code.strip().upper()
    entries = read_map(path)
    if code not in entries:
        known = ", ".join(sorted(entries)[:4]) + (" …" if len(entries) > 4 else "")
        raise UserError(Bi(f"{path} 中没有试卷代码 {code}（其中有：{known}）",
                           f"{path} has no variant code {code} (it has {known})"))
    return entries[code]
