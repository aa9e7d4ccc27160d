"""Reading articles from files, archives and standard input.

Every reader yields :class:`~eventwire.models.Article` objects, or a
:class:`~eventwire.errors.BadRecord` for an input that cannot be read, so that the
caller reports it and goes on with the next one. A bad record never stops the
records around it; a file that breaks half-way (a truncated ``.gz``) yields what it
read, then one error naming the file and the line or record where it broke.

| input                    | how it is read                                               |
|--------------------------|--------------------------------------------------------------|
| ``*.txt``                | first line is the headline, the rest is the body             |
| ``*.html/.htm``          | main text, title and date extracted (trafilatura, htmldate)  |
| ``*.json``               | one article object (or a list of them)                       |
| ``*.jsonl``              | one article object per line                                  |
| ``*.warc(.gz)``          | HTML responses of a web archive (warcio); URL from the record|
| ``*.gz`` of the above    | decompressed on the fly                                      |
| folder                   | every file above in it, recursively, in name order           |
| ``-``                    | standard input, read as JSONL                                |

Limits: a whole-file input (``.txt``, ``.html``, ``.json``) may not exceed
``MAX_FILE_BYTES`` once decompressed, one JSONL line ``MAX_LINE_BYTES``, and one
WARC payload ``MAX_FILE_BYTES``. HTML pages that are not UTF-8 are decoded with
the charset they declare (HTTP header or ``<meta>``); other text must be UTF-8.

Error codes: E102 binary data, E103 not UTF-8, E104 not an object, E105 no text,
E106 bad date, E107 invalid JSON, E108 empty, E109 HTML unparsable, E110 HTML
without text, E111 no such file, E112 too large, E113 cannot read, E114 broken
compressed stream, E115 broken WARC archive, E116 unknown charset.
"""

from __future__ import annotations

import codecs
import gzip
import json
import logging
import re
import sys
import zlib
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
WARC_SUFFIXES = {".warc"}
GZIP_SUFFIX = ".gz"
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_LINE_BYTES = 50 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_STREAM_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM); refuse binary data and other encodings."""
    if b"\x00" in data[:8192]:
        raise BadRecord("binary data, not text", path=path, code="E102")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRecord(f"not valid UTF-8 (byte {exc.start})", path=path, code="E103") from None


def declared_charset(data: bytes, content_type: Optional[str] = None) -> Optional[str]:
    """The charset an HTML page declares: the HTTP ``Content-Type`` first, then ``<meta>``."""
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", content_type, re.IGNORECASE)
        if m:
            return m.group(1)
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def decode_html(data: bytes, path: str, content_type: Optional[str] = None, line: Optional[int] = None) -> str:
    """Decode an HTML page: UTF-8 if it is valid UTF-8, else the charset it declares."""

    def bad(message: str, code: str) -> BadRecord:
        return BadRecord(message, path=path, line=line, code=code)

    if b"\x00" in data[:8192]:
        raise bad("binary data, not text", "E102")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        charset = declared_charset(data, content_type)
        if not charset:
            raise bad(f"not valid UTF-8 (byte {exc.start}) and no other charset declared", "E103") from None
        if not _known_codec(charset):
            raise bad(f"unknown charset {charset!r}", "E116") from None
        if codecs.lookup(charset).name == "utf-8":
            raise bad(f"not valid UTF-8 (byte {exc.start})", "E103") from None
        try:
            return data.decode(charset)
        except UnicodeDecodeError as exc2:
            raise bad(f"not valid {charset} (byte {exc2.start})", "E103") from None


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


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


def _lines(stream: IO[bytes], path: str) -> Iterator[tuple[int, Union[bytes, BadRecord]]]:
    """``(line number, bytes)`` pairs; an over-long line becomes a BadRecord and is skipped."""
    n = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        n += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = stream.readline(MAX_LINE_BYTES)
            yield n, BadRecord(f"line longer than {MAX_LINE_BYTES} bytes", path=path, line=n, code="E112")
            continue
        yield n, raw


def read_jsonl(stream: IO[bytes], path: str, published: Optional[str]) -> Iterator[Item]:
    seen = False
    n = 0
    try:
        for n, raw in _lines(stream, path):
            if isinstance(raw, BadRecord):
                seen = True
                yield raw
                continue
            if not raw.strip():
                continue
            seen = True
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
    except _STREAM_ERRORS as exc:
        yield BadRecord(f"compressed stream broken ({exc})", path=path, line=n + 1, code="E114")
        return
    except OSError as exc:
        yield BadRecord(f"cannot read ({exc.strerror or exc})", path=path, line=n + 1, code="E113")
        return
    if not seen:
        yield BadRecord("empty file", path=path, code="E108")


def _stem(path: str) -> str:
    """The file name without its known suffixes: ``a/b.txt.gz`` -> ``b``."""
    name = Path(path).name
    if name.lower().endswith(GZIP_SUFFIX):
        name = name[: -len(GZIP_SUFFIX)]
    return Path(name).stem


def read_text(data: str, path: str, published: Optional[str]) -> Article:
    title, _, body = data.lstrip("\ufeff").partition("\n")
    body = body.strip("\n")
    if not body.strip():
        if not title.strip():
            raise BadRecord("empty file", path=path, code="E108")
        title, body = "", title
    return article_from_object(
        {"id": _stem(path), "title": title.strip(), "text": body}, path=path, line=None, published=published
    )


def read_html(
    data: str,
    path: str,
    published: Optional[str],
    url: Optional[str] = None,
    *,
    ident: Optional[str] = None,
    line: Optional[int] = None,
) -> Article:
    """Extract the article of one HTML page (text, title, publication date, URL)."""
    import trafilatura
    from htmldate import find_date

    if not data.strip():
        raise BadRecord("empty page", path=path, line=line, code="E108")
    try:
        doc = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise BadRecord(f"HTML could not be parsed ({exc.__class__.__name__})", path=path, line=line, code="E109") from None
    if doc is not None and not isinstance(doc, dict):
        doc = doc.as_dict() if hasattr(doc, "as_dict") else vars(doc)
    meta = doc or {}
    text = meta.get("text")
    if not text or not text.strip():
        raise BadRecord("HTML page has no article text", path=path, line=line, code="E110")
    title = (meta.get("title") or "").strip()
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest  # trafilatura repeats the headline as the first line
    date = meta.get("date")
    if not date:
        try:
            date = find_date(data, extensive_search=False, url=url)
        except Exception:  # htmldate is best effort
            date = None
    return article_from_object(
        {
            "id": _stem(path) if ident is None else ident,
            "title": title,
            "text": text,
            "published": date or published,
            "url": url or meta.get("url"),
            "source": meta.get("sitename") or meta.get("hostname"),
        },
        path=path,
        line=line,
        published=published,
    )


def article_from_html_bytes(
    data: bytes,
    *,
    url: Optional[str],
    content_type: Optional[str] = None,
    published: Optional[str] = None,
    path: Optional[str] = None,
    line: Optional[int] = None,
) -> Article:
    """An article from a fetched or archived HTML page; its id is left to the text hash."""
    where = path or url or "<html>"
    html = decode_html(data, where, content_type, line)
    return read_html(html, where, published, url=url, ident="", line=line)


def read_warc(stream: IO[bytes], path: str, published: Optional[str]) -> Iterator[Item]:
    """HTML ``response`` records of a WARC (plain or gzipped); ``line`` is the record number."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    seen = False
    end = 0
    try:
        archive = ArchiveIterator(stream)
        for record in archive:
            n += 1
            seen = True
            data = None
            http = record.http_headers
            ctype = http.get_header("Content-Type") if http is not None else None
            status = http.get_statuscode() if http is not None else None
            url = record.rec_headers.get_header("WARC-Target-URI")
            wanted = (
                record.rec_type == "response"
                and bool(ctype)
                and ctype.split(";")[0].strip().lower() in HTML_TYPES
                and (not status or str(status).startswith("2"))
            )
            if wanted:
                data = record.content_stream().read(MAX_FILE_BYTES + 1)
            archive.read_to_end(record)
            if getattr(record.raw_stream, "limit", 0):
                yield BadRecord("archive ends inside this record (truncated)", path=path, line=n, code="E115")
                return
            end = archive.get_record_offset() + archive.get_record_length()
            if data is None:
                continue
            if len(data) > MAX_FILE_BYTES:
                yield BadRecord(f"payload larger than {MAX_FILE_BYTES} bytes", path=path, line=n, code="E112")
                continue
            try:
                yield article_from_html_bytes(data, url=url, content_type=ctype, published=published, path=path, line=n)
            except BadRecord as exc:
                yield exc
        size = stream.seek(0, 2)
        if seen and size - end > 4:  # bytes after the last whole record
            stream.seek(end)
            if stream.read(64).strip():
                yield BadRecord("archive ends inside a record (truncated)", path=path, line=n + 1, code="E115")
    except ArchiveLoadFailed as exc:
        msg = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        yield BadRecord(f"not a valid WARC archive ({msg})", path=path, line=n + 1, code="E115")
        return
    except _STREAM_ERRORS as exc:
        yield BadRecord(f"WARC archive broken ({exc.__class__.__name__}: {exc})", path=path, line=n + 1, code="E115")
        return
    except OSError as exc:
        yield BadRecord(f"cannot read ({exc.strerror or exc})", path=path, line=n + 1, code="E113")
        return
    except Exception as exc:  # warcio fails in many ways on malformed records
        yield BadRecord(f"WARC record malformed ({exc.__class__.__name__})", path=path, line=n + 1, code="E115")
        return
    if not seen:
        yield BadRecord("empty file", path=path, code="E108")


def kind_of(path: str) -> tuple[Optional[str], bool]:
    """``(suffix of the content, gzipped?)`` for a file name: ``a.jsonl.gz`` -> ``(".jsonl", True)``."""
    name = Path(path).name.lower()
    gz = name.endswith(GZIP_SUFFIX)
    if gz:
        name = name[: -len(GZIP_SUFFIX)]
    suffix = Path(name).suffix
    return (suffix if suffix in KNOWN_SUFFIXES else None), gz


def _check_warc_magic(p: Path, path: str) -> None:
    """Refuse a file that does not start like a WARC record (warcio would guess on)."""
    with open(p, "rb") as fh:
        head = fh.read(2)
    try:
        with (gzip.open(p, "rb") if head == b"\x1f\x8b" else open(p, "rb")) as fh:
            start = fh.read(5)
    except _STREAM_ERRORS as exc:
        raise BadRecord(f"compressed stream broken ({exc})", path=path, line=1, code="E114") from None
    if not start:
        raise BadRecord("empty file", path=path, code="E108")
    if start != b"WARC/":
        raise BadRecord("not a WARC archive (no 'WARC/' header)", path=path, line=1, code="E115")


def _read_all(stream: IO[bytes], path: str) -> bytes:
    try:
        data = stream.read(MAX_FILE_BYTES + 1)
    except _STREAM_ERRORS as exc:
        raise BadRecord(f"compressed stream broken ({exc})", path=path, code="E114") from None
    if len(data) > MAX_FILE_BYTES:
        raise BadRecord(f"file larger than {MAX_FILE_BYTES} bytes", path=path, code="E112")
    return data


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
            if _is_input(child):
                yield from read_path(str(child), published)
        return
    suffix, gz = kind_of(path)
    try:
        if suffix in WARC_SUFFIXES:
            _check_warc_magic(p, path)
            with open(p, "rb") as fh:  # warcio decompresses by itself
                yield from read_warc(fh, path, published)
            return
        with (gzip.open(p, "rb") if gz else open(p, "rb")) as fh:
            if suffix in JSONL_SUFFIXES:
                yield from read_jsonl(fh, path, published)
                return
            raw = _read_all(fh, path)
        if not raw.strip():
            raise BadRecord("empty file", path=path, code="E108")
        if suffix in HTML_SUFFIXES:
            yield read_html(decode_html(raw, path), path, published)
            return
        data = decode(raw, path)
        if suffix in JSON_SUFFIXES:
            yield from _read_json(data, path, published)
        else:
            yield read_text(data, path, published)
    except BadRecord as exc:
        yield exc
    except OSError as exc:
        yield BadRecord(f"cannot read ({exc.strerror or exc})", path=path, code="E113")


def _read_json(data: str, path: str, published: Optional[str]) -> Iterator[Item]:
    try:
        obj = json.loads(data)
    except json.JSONDecodeError as exc:
        raise BadRecord(f"invalid JSON ({exc.msg}, line {exc.lineno})", path=path, code="E107") from None
    except RecursionError:
        raise BadRecord("invalid JSON (nested too deeply)", path=path, code="E107") from None
    if isinstance(obj, list):
        if not obj:
            raise BadRecord("empty list of articles", path=path, code="E108")
        for n, item in enumerate(obj, start=1):
            try:
                yield article_from_object(item, path=path, line=n, published=published)
            except BadRecord as exc:
                yield exc
        return
    yield article_from_object(obj, path=path, line=None, published=published)


def read_paths(paths: Iterable[str], published: Optional[str] = None, stdin: Optional[IO[bytes]] = None) -> Iterator[Item]:
    for path in paths:
        yield from read_path(path, published, stdin)


def count_items(paths: Iterable[str]) -> Optional[int]:
    """A quick count of the records ``read_paths`` will yield, for a progress bar.

    Counts JSONL lines and files; None when it cannot tell cheaply (standard input,
    web archives).
    """
    total = 0
    for path in paths:
        if path == "-":
            return None
        p = Path(path)
        files = sorted(c for c in p.rglob("*") if _is_input(c)) if p.is_dir() else [p]
        for f in files:
            suffix, gz = kind_of(str(f))
            if suffix in WARC_SUFFIXES:
                return None
            if suffix not in JSONL_SUFFIXES:
                total += 1
                continue
            try:
                with (gzip.open(f, "rb") if gz else open(f, "rb")) as fh:
                    total += sum(1 for line in fh if line.strip()) or 1
            except (OSError, EOFError, zlib.error):
                total += 1
    return total


def _is_input(path: Path) -> bool:
    """A file a folder walk reads: a known kind, not hidden."""
    return path.is_file() and not path.name.startswith(".") and kind_of(str(path))[0] is not None
