"""Readers: every input kind, plain and gzipped, with empty, huge, binary,
mis-encoded and malformed input. A bad input yields a BadRecord naming the file
(and line or record); the good records around it are never lost."""

from __future__ import annotations

import gzip
import io
import json
import os
import random

import pytest

from eventwire import sources
from eventwire.errors import BadRecord
from eventwire.models import Article
from eventwire.sources import count_items, read_path, read_paths

BODY = (
    "Kenya and Uganda signed a trade agreement in Nairobi on Tuesday, officials said.\n\n"
    "President William Ruto said the accord would cut tariffs on farm goods. "
    "Ugandan officials welcomed the deal but warned that border delays remain."
)
TITLE = "Kenya and Uganda sign trade deal"


def html_page(title=TITLE, body=BODY, date="2024-03-05", charset="utf-8"):
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        f"<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>{title}</title>"
        f"<meta property=\"article:published_time\" content=\"{date}\"></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article>"
        f"<footer>Contact us</footer></body></html>"
    )


def warc_bytes(pages, gz=False):
    """A WARC with one request/response pair per (url, content type, status, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, ctype, status, body in pages:
        req = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        writer.write_record(req)
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def jsonl(objs):
    return "".join(json.dumps(o) + "\n" for o in objs).encode()


GOOD = {
    "txt": (TITLE + "\n" + BODY).encode(),
    "html": html_page().encode(),
    "json": json.dumps({"id": "k1", "title": TITLE, "text": BODY, "published": "2024-03-05"}).encode(),
    "jsonl": jsonl([{"id": f"k{i}", "title": TITLE, "text": BODY + f" ({i})"} for i in range(3)]),
    "warc": warc_bytes([("http://news.example/k1", "text/html; charset=utf-8", "200 OK", html_page().encode())]),
}
GOOD_COUNT = {"txt": 1, "html": 1, "json": 1, "jsonl": 3, "warc": 1}
KINDS = sorted(GOOD)


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") and not name.endswith(".warc.gz") else data)
    return str(path)


def items(path, **kw):
    out = list(read_path(path, **kw))
    assert all(isinstance(i, (Article, BadRecord)) for i in out)
    return out


def arts(out):
    return [i for i in out if isinstance(i, Article)]


def bads(out):
    return [i for i in out if isinstance(i, BadRecord)]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("kind", KINDS)
def test_good_input(tmp_path, kind, gz):
    data = GOOD[kind]
    if kind == "warc" and gz:
        data = warc_bytes([("http://news.example/k1", "text/html", "200 OK", html_page().encode())], gz=True)
    path = write(tmp_path, f"k1.{kind}" + (".gz" if gz else ""), data)
    out = items(path)
    assert not bads(out), [str(b) for b in bads(out)]
    assert len(out) == GOOD_COUNT[kind]
    first = out[0]
    assert "Ruto" in first.text and "Kenya" in first.text
    if kind in ("txt", "html", "json", "warc"):
        assert first.title == TITLE
        assert not first.text.startswith(TITLE)  # the headline is not repeated in the body
    if kind in ("txt", "html"):
        assert first.id == "k1"  # file name without .txt/.gz
    if kind in ("html", "json", "warc"):
        assert first.published == "2024-03-05"
    if kind == "warc":
        assert first.url == "http://news.example/k1"


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("kind", KINDS)
def test_empty_input(tmp_path, kind, gz):
    path = write(tmp_path, f"e.{kind}" + (".gz" if gz else ""), b"")
    out = items(path)
    assert len(out) == 1 and isinstance(out[0], BadRecord)
    assert out[0].path == path
    assert out[0].code in ("E108", "E107", "E114")


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("kind", KINDS)
def test_binary_input(tmp_path, kind, gz):
    rnd = random.Random(7)
    data = bytes(rnd.randrange(256) for _ in range(4096)) + b"\x00\x00"
    path = write(tmp_path, f"b.{kind}" + (".gz" if gz else ""), data)
    out = items(path)
    assert out and all(isinstance(i, BadRecord) for i in out)
    assert all(i.path == path for i in out)
    assert out[0].code in ("E102", "E103", "E107", "E114", "E115")


@pytest.mark.parametrize("kind", ["txt", "json", "jsonl", "html"])
def test_misencoded_input(tmp_path, kind):
    text = {"txt": f"Côte d'Ivoire élection\n{BODY} à Abidjan", "json": json.dumps({"text": "Côte d'Ivoire"}, ensure_ascii=False),
            "jsonl": json.dumps({"text": "Côte d'Ivoire"}, ensure_ascii=False) + "\n",
            "html": html_page(body=BODY + " à Abidjan, Côte d'Ivoire").replace('<meta charset="utf-8">', "")}[kind]
    path = write(tmp_path, f"m.{kind}", text.encode("latin-1"))
    out = items(path)
    assert len(out) == 1 and isinstance(out[0], BadRecord)
    assert out[0].code == "E103" and out[0].path == path
    if kind == "jsonl":
        assert out[0].line == 1


def test_html_declared_charset_is_used(tmp_path):
    page = html_page(body=BODY + " Le président s'est rendu à Kampala.", charset="iso-8859-1")
    path = write(tmp_path, "latin.html", page.encode("latin-1"))
    (article,) = items(path)
    assert "président s'est rendu à Kampala" in article.text


@pytest.mark.parametrize(
    "kind, data, code",
    [
        ("json", b'{"text": "unterminated', "E107"),
        ("json", b'["not an object"]', "E104"),
        ("json", b'{"title": "no text"}', "E105"),
        ("json", b'{"text": "x", "published": "yesterday"}', "E106"),
        ("json", b"[]", "E108"),
        ("json", b"[" * 100000 + b"]" * 100000, "E107"),
        ("html", b"<html><body><script>var x = 1;</script></body></html>", "E110"),
        ("html", b"<<<>>>&&&", "E110"),
        ("txt", b"\n\n\n", "E108"),
        ("warc", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort", "E115"),
        ("warc", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "E115"),
    ],
)
def test_malformed_input(tmp_path, kind, data, code):
    path = write(tmp_path, f"x.{kind}", data)
    out = items(path)
    assert bads(out), out
    assert bads(out)[0].code == code and bads(out)[0].path == path
    assert f"[{code}] {path}" in str(bads(out)[0])


def test_jsonl_bad_lines_do_not_hide_good_ones(tmp_path):
    lines = [
        json.dumps({"id": "ok1", "text": BODY}),
        "{broken json",
        json.dumps({"id": "nodate", "text": BODY, "published": "31/02/2024"}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "notext"}),
        json.dumps({"id": "ok2", "text": BODY + " Second."}),
    ]
    data = ("\n".join(lines) + "\n").encode() + "é\n".encode("latin-1") + b'{"id": "ok3", "text": "Last one."}\n'
    path = write(tmp_path, "mix.jsonl", data)
    out = items(path)
    assert [a.id for a in arts(out)] == ["ok1", "ok2", "ok3"]
    assert [(b.line, b.code) for b in bads(out)] == [(2, "E107"), (3, "E106"), (4, "E104"), (6, "E105"), (8, "E103")]


def test_huge_whole_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    for name in ("big.txt", "big.html", "big.json.gz"):
        path = write(tmp_path, name, b"a" * 5000 if not name.startswith("big.json") else json.dumps({"text": "a" * 5000}).encode())
        (bad,) = items(path)
        assert bad.code == "E112" and bad.path == path


def test_huge_jsonl_line_is_skipped_and_the_next_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 200)
    data = jsonl([{"id": "a", "text": "short"}, {"id": "b", "text": "x" * 1000}, {"id": "c", "text": "short too"}])
    out = items(write(tmp_path, "h.jsonl.gz", data))
    assert [a.id for a in arts(out)] == ["a", "c"]
    assert [(b.line, b.code) for b in bads(out)] == [(2, "E112")]


def test_large_jsonl_streams(tmp_path):
    n = 20000
    data = jsonl({"id": str(i), "text": f"Report {i} from Lagos, Nigeria."} for i in range(n))
    path = write(tmp_path, "many.jsonl.gz", data)
    assert sum(1 for i in read_path(path) if isinstance(i, Article)) == n
    assert count_items([path]) == n


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    rnd = random.Random(1)
    data = jsonl({"id": str(i), "text": f"{rnd.random()} report from Accra, Ghana."} for i in range(5000))
    packed = gzip.compress(data)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    out = items(str(path))
    good = arts(out)
    assert 0 < len(good) < 5000
    assert [a.id for a in good] == [str(i) for i in range(len(good))]
    (bad,) = bads(out)
    assert bad.code == "E114" and bad.line == len(good) + 1


def test_warc_only_html_responses(tmp_path):
    pages = [
        ("http://news.example/a", "text/html; charset=utf-8", "200 OK", html_page().encode()),
        ("http://news.example/logo.png", "image/png", "200 OK", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("http://news.example/gone", "text/html", "404 Not Found", html_page(title="Gone").encode()),
        ("http://news.example/b", "text/html", "200 OK", html_page(title="Ghana votes", body="Voters in Accra queued from dawn on Saturday as Ghana elected a president.").encode()),
        ("http://news.example/empty", "text/html", "200 OK", b"<html><body></body></html>"),
    ]
    path = write(tmp_path, "crawl.warc.gz", warc_bytes(pages, gz=True))
    out = items(path)
    assert [a.url for a in arts(out)] == ["http://news.example/a", "http://news.example/b"]
    (bad,) = bads(out)
    assert bad.code == "E110" and bad.path == path and bad.line == 10  # 10th record: the last response


def test_truncated_warc_keeps_earlier_records(tmp_path):
    pages = [(f"http://news.example/{i}", "text/html", "200 OK", html_page(title=f"Report {i}", body=BODY + f" Item {i}.").encode()) for i in range(4)]
    data = warc_bytes(pages)
    path = write(tmp_path, "cut.warc", data[: int(len(data) * 0.8)])
    out = items(path)
    assert [a.url for a in arts(out)] == [f"http://news.example/{i}" for i in range(3)]
    assert bads(out) and bads(out)[-1].code == "E115" and bads(out)[-1].path == path


def test_folder_reads_every_known_kind(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, "a.txt", GOOD["txt"])
    write(tmp_path, "sub/b.html.gz", GOOD["html"])
    write(tmp_path, "sub/c.jsonl", GOOD["jsonl"])
    write(tmp_path, "d.warc", GOOD["warc"])
    write(tmp_path, "notes.md", b"# not an input")
    write(tmp_path, ".hidden.txt", b"hidden\nfile")
    write(tmp_path, "e.json", b"{")
    out = list(read_paths([str(tmp_path)]))
    assert len(arts(out)) == 1 + 1 + 3 + 1
    assert [b.code for b in bads(out)] == ["E107"]
    assert count_items([str(tmp_path)]) is None  # a WARC: unknown without reading it
    os.remove(tmp_path / "d.warc")
    assert count_items([str(tmp_path)]) == 1 + 1 + 3 + 1


def test_missing_path_and_stdin(tmp_path):
    (bad,) = items(str(tmp_path / "nope.txt"))
    assert bad.code == "E111"
    stdin = io.BytesIO(GOOD["jsonl"] + b"oops\n")
    out = list(read_path("-", stdin=stdin))
    assert len(arts(out)) == 3 and bads(out)[0].path == "<stdin>" and bads(out)[0].line == 4


def test_published_fallback(tmp_path):
    path = write(tmp_path, "p.txt", GOOD["txt"])
    (a,) = items(path, published="2024-01-02")
    assert a.published == "2024-01-02"


def test_warc_bad_payloads_do_not_hide_the_next_record(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 3000)
    latin = html_page(body=BODY + " Le président à Abidjan.").replace('<meta charset="utf-8">', "").encode("latin-1")
    pages = [
        ("http://news.example/latin", "text/html", "200 OK", latin),  # no charset anywhere: refused
        ("http://news.example/huge", "text/html", "200 OK", html_page(body="Nairobi " * 2000).encode()),
        ("http://news.example/bin", "text/html", "200 OK", b"\x00\x01\x02" * 100),
        ("http://news.example/ok", "text/html", "200 OK", html_page().encode()),
    ]
    path = write(tmp_path, "mixed.warc", warc_bytes(pages))
    out = items(path)
    assert [a.url for a in arts(out)] == ["http://news.example/ok"]
    assert [(b.line, b.code) for b in bads(out)] == [(2, "E103"), (4, "E112"), (6, "E102")]
    assert all(b.path == path for b in bads(out))
