"""The public page of a share link, rendered on the server so that link previews (Open Graph)
work without JavaScript: the title, the pages with alt text made of their panels, and the whole
story as a text transcript. `noindex`, never cached, no script.

A whole page is unreadable on a phone, so the page also carries each scene's reader picture (the
scene alone, lettered for a phone's width): a media query shows the pages on wider screens and
the reader pictures, edge to edge and in order, at 600 CSS px and below. Every image is
`loading="lazy"`, so the set that is hidden is never fetched. A cartoon composed before reader
pictures shows its pages at every width.

Its words are the owner's cartoon page's (core/words, cartoon.* and shared.*). It renders what
`cartoons/sharing.public_view` returns; app.py answers with it, core/web.py sets the status."""

import base64
import hashlib
from html import escape

from chalicelib.core import vocabulary, web, words
from chalicelib.core.errors import RateLimited

# The page's words by their use here: the keys the owner's cartoon page words them by.
# Each balloon kind of the registry is worded by `cartoon.said_<kind>` ("Ana whispers: …").
KEYS = {"page": "cartoon.page_of", "transcript": "cartoon.transcript",
        "panel": "cartoon.scene_alt", "made": "shared.made",
        "own": "shared.own", "gone_title": "shared.gone_title", "gone": "shared.gone",
        "busy": "shared.busy", **{kind: f"cartoon.said_{kind}" for kind in vocabulary.KINDS}}


def words_of(lang):
    """The templates of one language by their use here (`t["page"].format(...)`); the EPUB
    (worker/compose.py) words its panels with them too."""
    catalogue = words.catalogue(lang)
    return {use: catalogue[key] for use, key in KEYS.items()}


# The one inline style, allowed by its hash in the Content-Security-Policy (no 'unsafe-inline').
# `main` keeps 1rem each side on a phone (site.css): the reader pictures take it back.
STYLE = (".shared-readers{display:none;list-style:none;margin:0;padding:0}"
         ".shared-panel{display:block;width:100%;height:auto}"
         "@media (max-width:600px){"
         ".with-readers .shared-page{display:none}"
         ".with-readers .shared-readers{display:flex;flex-direction:column;gap:.4rem;"
         "margin-inline:-1rem}}")
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()


def headers():
    images = " ".join(web.images_origins())
    return {"Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": (
                f"default-src 'none'; img-src 'self' {images}; "
                f"style-src 'self' 'sha256-{STYLE_HASH}'; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'"),
            "X-Robots-Tag": "noindex, nofollow", "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer"}


def _head(title, lang, extra=""):
    return (f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="robots" content="noindex, nofollow">\n'
            f"<title>{escape(title)} · Caaartoons</title>\n"
            '<link rel="stylesheet" href="/css/site.css">\n'
            '<link rel="icon" href="/favicon.svg" type="image/svg+xml">\n'
            f"{extra}</head>\n")


def said(element, t):
    """One text in words, by its kind ("Ana shouts: …", "Sound effect: …"); a balloon without
    a speaker, or of a kind no longer known, reads as a caption."""
    kind = element["kind"] if element["kind"] in vocabulary.KINDS else "caption"
    if vocabulary.KINDS[kind]["speaker"] and not element.get("speaker"):
        kind = "caption"
    return t[kind].format(**element)


def panel_alt(line, t):
    return " ".join([t["panel"].format(n=line["number"], action=line["action"]),
                     *(said(element, t) for element in line["said"])])


def _alt(lines, t, n, total):
    panels = "; ".join(panel_alt(line, t) for line in lines)
    return f"{t['page'].format(n=n, total=total)}. {panels}"


def _reader_figures(readers, lines, t):
    """The reader pictures, in reading order, each with its scene's words as alt text."""
    by_number = {line["number"]: line for line in lines}
    items = []
    for reader in readers:
        line = by_number.get(reader["number"], {"number": reader["number"], "action": "",
                                                 "said": []})
        # Its size (no jump as it loads) and its lettering's size in its own pixels.
        size = "".join(f' {attribute}="{int(reader[name])}"' for name, attribute in (
            ("width", "width"), ("height", "height"), ("text_px", "data-text-px"))
            if reader.get(name))
        items.append(f'<li><img class="shared-panel" loading="lazy" src="{escape(reader["url"])}"'
                     f'{size} alt="{escape(panel_alt(line, t))}"></li>')
    return '<ol class="shared-readers">' + "".join(items) + "</ol>"


def render(shared, lang="en"):
    """The page of a shared cartoon (what `sharing.public_view` returns), in `lang`."""
    t = words_of(lang)
    title = shared["title"]
    og = "".join(f'<meta property="{name}" content="{escape(value)}">\n' for name, value in (
        ("og:title", title), ("og:type", "article"), ("og:site_name", "Caaartoons"),
        ("og:image", shared["preview_url"]), ("og:url", shared["preview_url"][:-8])))
    og += '<meta name="twitter:card" content="summary_large_image">\n'
    lines, total, start, figures = shared["transcript"], len(shared["pages"]), 0, []
    pages = zip(shared["pages"], shared["panels_per_page"], strict=True)
    for n, (url, count) in enumerate(pages, 1):
        alt = _alt(lines[start:start + count], t, n, total)
        start += count
        figures.append(f'<img class="shared-page" loading="lazy" src="{escape(url)}" '
                       f'alt="{escape(alt)}">')
    readers = shared.get("readers")
    if readers:
        figures.append(_reader_figures(readers, lines, t))
    story = "".join(
        f"<li><p>{escape(line['action'])}</p>"
        + "".join(f"<p>{escape(said(element, t))}</p>" for element in line["said"]) + "</li>"
        for line in lines)
    main = "shared-main with-readers" if readers else "shared-main"
    return (_head(title, lang, og + f"<style>{STYLE}</style>\n") + '<body class="shared">\n'
            f'<main class="{main}">\n'
            f"<h1>{escape(title)}</h1>\n" + "\n".join(figures) +
            f"\n<details class=\"transcript\"><summary>{t['transcript']}</summary>"
            f"<ol>{story}</ol></details>\n"
            f"<p class=\"hint\">{t['made']} <a href=\"/\">{t['own']}</a></p>\n"
            "</main>\n</body>\n</html>\n")


def render_error(error, lang="en"):
    """The page a person reads instead of the cartoon: the link is dead (NotFound), or this
    viewer asked too often (RateLimited)."""
    t = words_of(lang)
    why = t["busy"] if isinstance(error, RateLimited) else t["gone"]
    return (_head(t["gone_title"], lang) + '<body class="shared">\n<main class="shared-main">\n'
            f"<h1>{t['gone_title']}</h1>\n<p>{why}</p>\n"
            f"<p><a href=\"/\">Caaartoons</a></p>\n</main>\n</body>\n</html>\n")
