"""Reading articles from files and standard input.

Every reader yields :class:`~eventwire.models.Article` objects, or a
:class:`~eventwire.errors.BadRecord` for an input that cannot be read, so that the
caller reports it and goes on with the next one.

| input            | how it is read                                               |
|------------------|--------------------------------------------------------------|
| ``*.txt``        | first line is the headline, the rest is the body             |
| ``*.html/.htm``  | main text, title and date extracted (trafilatura, htmldate)  |
| ``*.json``       | one article object                                           |
| ``*.jsonl``      | one article object per line                                  |
| ``-``            | standard input, read as JSONL                                |
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from .errors import BadRecord
from .models import Article
from .dates import check_date

log = logging.getLogger(__name__)

Item = Union[Article, BadRecord]
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
MAX_FILE_BYTES = 200 * 1024 * 1024


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM); refuse binary data and other encodings."""
    if b"\x00" in data[:8192]:
        raise BadRecord("binary data, not text", path=path, code="E102")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRecord(f"not valid UTF-8 (byte {exc.start})", path=path, code="E103") from None


def article_from_object(obj: object, *, path: str, line: Optional[int], published: Optional[str]) -> Article:
    """Validate one article object (``text`` required; ``id``, ``title``, ``published``, ``url``, ``source``)."""
    if not isinstance(obj, dict):
        raise BadRecord("an article must be a JSON object", path=path, line=line, code="E104")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRecord("record has no 'text'", path=path, line=line, code="E105")
    pub = obj.get("published") or obj.get("date") or published
    try:
        pub = check_date(pub)
    except ValueError as exc:
        raise BadRecord(str(exc), path=path, line=line, code="E106") from None
    ident = obj.get("id")
    def opt(key):
        value = obj.get(key)
        return None if value is None else str(value)
    return Article(
        text=text,
        id="" if ident is None else str(ident),
        title=str(obj.get("title") or ""),
        published=pub,
        url=opt("url"),
        source=opt("source"),
    )


def read_jsonl(stream: IO[bytes], path: str, published: Optional[str]) -> Iterator[Item]:
    for n, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            line = decode(raw, path)
        except BadRecord as exc:
            yield BadRecord(str(exc).split(": ", 1)[-1], path=path, line=n, code=exc.code)
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(f"invalid JSON ({exc.msg})", path=path, line=n, code="E107")
            continue
        try:
            yield article_from_object(obj, path=path, line=n, published=published)
        except BadRecord as exc:
            yield exc


def read_text(data: str, path: str, published: Optional[str]) -> Article:
    title, _, body = data.lstrip("\ufeff").partition("\n")
    body = body.strip("\n")
    if not body.strip():
        if not title.strip():
            raise BadRecord("empty file", path=path, code="E108")
        title, body = "", title
    return article_from_object(
        {"id": Path(path).stem, "title": title.strip(), "text": body}, path=path, line=None, published=published
    )


def read_html(data: str, path: str, published: Optional[str], url: Optional[str] = None) -> Article:
    import trafilatura
    from htmldate import find_date

    if not data.strip():
        raise BadRecord("empty file", path=path, code="E108")
    try:
        doc = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False, as_dict=True)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise BadRecord(f"HTML could not be parsed ({exc.__class__.__name__})", path=path, code="E109") from None
    text = (doc or {}).get("text") if isinstance(doc, dict) else getattr(doc, "text", None)
    if not text or not text.strip():
        raise BadRecord("HTML page has no article text", path=path, code="E110")
    meta = doc if isinstance(doc, dict) else {}
    date = meta.get("date")
    if not date:
        try:
            date = find_date(data, extensive_search=False)
        except Exception:  # htmldate is best effort
            date = None
    return article_from_object(
        {
            "id": Path(path).stem,
            "title": meta.get("title") or "",
            "text": text,
            "published": date or published,
            "url": url or meta.get("url"),
            "source": meta.get("sitename") or meta.get("hostname"),
        },
        path=path,
        line=None,
        published=published,
    )


def read_path(path: str, published: Optional[str] = None, stdin: Optional[IO[bytes]] = None) -> Iterator[Item]:
    """Read one input path (``-`` is standard input as JSONL)."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from read_jsonl(stream, "<stdin>", published)
        return
    p = Path(path)
    if not p.exists():
        yield BadRecord("no such file", path=path, code="E111")
        return
    if p.is_dir():
        for child in sorted(p.rglob("*")):
            if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES:
                yield from read_path(str(child), published)
        return
    suffix = p.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        with open(p, "rb") as fh:
            yield from read_jsonl(fh, path, published)
        return
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise BadRecord(f"file larger than {MAX_FILE_BYTES} bytes", path=path, code="E112")
        data = decode(p.read_bytes(), path)
        if suffix in JSON_SUFFIXES:
            try:
                obj = json.loads(data)
            except json.JSONDecodeError as exc:
                raise BadRecord(f"invalid JSON ({exc.msg}, line {exc.lineno})", path=path, code="E107") from None
            if isinstance(obj, list):
                for n, item in enumerate(obj, start=1):
                    try:
                        yield article_from_object(item, path=path, line=n, published=published)
                    except BadRecord as exc:
                        yield exc
                return
            yield article_from_object(obj, path=path, line=None, published=published)
        elif suffix in HTML_SUFFIXES:
            yield read_html(data, path, published)
        else:
            yield read_text(data, path, published)
    except BadRecord as exc:
        yield exc
    except OSError as exc:
        yield BadRecord(f"cannot read ({exc.strerror})", path=path, code="E113")


def read_paths(paths: Iterable[str], published: Optional[str] = None, stdin: Optional[IO[bytes]] = None) -> Iterator[Item]:
    for path in paths:
        yield from read_path(path, published, stdin)

