"""The pages: composed by the scene that completes a cartoon, and by the `recompose` job that a
text edit queues. Each page is composed at the panels' full resolution with their lettering
(comic/pages.py) and stored with a thumbnail, beside the printed book (comic/book.py) for A4
paper and for US Letter, each also in its print-shop edition with bleed, a CBZ of all the
pages, an accessible EPUB (comic/epub.py: each panel's alt text and a transcript, worded in the
cartoon's language), and for the webtoon layout its episode images (comic/webtoon.py); page 1
is also the cartoon's `strip` (what older clients show) and its gallery cover, and each page is
also kept before it is lettered, for the cartoon page's overlay to letter. Each scene is
also stored alone, lettered again for a phone's full width (comic/reader.py: the reader's
pictures), and the pages' geometry (cells, text sizes, balloon positions) is kept on the
cartoon for the site. The stored pages are current when their fingerprint (cartoons/strips.py)
matches what the scenes show now."""

from pynamodb.exceptions import UpdateError

from chalicelib.adapters import storage
from chalicelib.cartoons import scenes
from chalicelib.cartoons.sharing import transcript_line
from chalicelib.cartoons.strips import strip_inputs
from chalicelib.cartoons.view import find_cartoon
from chalicelib.comic import book, epub, exports, lettering, pages, raster, reader, webtoon
from chalicelib.comic.language import language_of
from chalicelib.core import clock, logs, share_page, words
from chalicelib.core.conditions import lost_condition
from chalicelib.core.models import Cartoon
from chalicelib.worker import guard


def recompose(job, deadline):
    compose_if_complete(job["account_id"], job["cartoon_id"])


def staging_of(scene):
    """Where the scene's characters stand; an older scene's, where the lettering puts them."""
    return scene.staging or lettering.default_staging(list(scene.characters or []))


def compose_if_complete(account_id, cartoon_id, rounds=3):
    """When every scene is done, compose the pages unless the stored ones are current. Two
    composers may race (the last scene and a caption edit): each checks again after writing,
    so the last write always matches the latest inputs."""
    for _ in range(rounds):
        scene_items = scenes.for_cartoon(account_id, cartoon_id)
        if not scene_items or any(s.state != scenes.DONE for s in scene_items):
            return False
        cartoon = find_cartoon(account_id, cartoon_id)
        if cartoon is None:
            return False
        inputs = strip_inputs(cartoon, scene_items)
        if cartoon.strip_inputs == inputs:
            return True
        _compose(cartoon, scene_items, inputs)
    return False


def _key(cartoon, inputs, name):
    return storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id,
                               f"pages/{inputs[:16]}/{name}")


def language(cartoon, scene_items):
    """The cartoon's language (BCP 47), from its words."""
    return language_of(cartoon.title, *(e.get("text") for s in scene_items
                                        for e in scenes.elements_of(s)))


def ebook(cartoon, scene_items, pngs, geometry, lang):
    """The accessible EPUB of the composed pages, worded in `lang` as the share page words
    the same panels (its alt text and transcript lines)."""
    t = share_page.words_of(lang)
    lines = [transcript_line(s) for s in scene_items]
    panels = [[] for _ in pngs]
    for scene, line in zip(geometry["scenes"], lines, strict=True):
        panels[scene["page"] - 1].append(epub.Panel(tuple(scene["box"]),
                                                    share_page.panel_alt(line, t)))
    transcript = [epub.Scene(words.text("book.scene", lang, n=line["number"]), line["action"],
                             tuple(share_page.said(e, t) for e in line["said"]))
                  for line in lines]
    book_words = epub.Words(words.text("book.contents", lang),
                            words.text("book.transcript", lang), t["page"],
                            words.text("book.summary", lang))
    return epub.book(title=cartoon.title, language=lang,
                     book_id=epub.identifier(cartoon.cartoon_id),
                     modified=clock.utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"), pngs=pngs,
                     panels=panels, scenes=transcript, words=book_words)


def _print_files(cartoon, inputs, panels, lang):
    """{Cartoon attribute: (key, bytes, content type)} of the printed books (A4, Letter, each
    plain and with bleed) and, for the webtoon layout, the episode's zip (None otherwise)."""
    template, files = cartoon.layout or "auto", {}
    for paper, plain, bleed in (("A4", "pdf_key", "pdf_bleed_key"),
                                ("Letter", "pdf_letter_key", "pdf_letter_bleed_key")):
        books = book.editions(cartoon.title, template, panels, paper, lang,
                              cartoon.author)
        if books.plan.text_pt and books.plan.text_pt < book.MIN_PT:  # panels drawn too small
            logs.event("book_text_small", cartoon_id=cartoon.cartoon_id, paper=paper,
                       text_pt=round(books.plan.text_pt, 2))
        name = "cartoon" if paper == "A4" else "cartoon-letter"
        files[plain] = (_key(cartoon, inputs, f"{name}.pdf"), books.plain, "application/pdf")
        files[bleed] = (_key(cartoon, inputs, f"{name}-print.pdf"), books.bleed,
                        "application/pdf")
    files["webtoon_key"] = None
    if template == "webtoon":
        files["webtoon_key"] = (_key(cartoon, inputs, "webtoon.zip"),
                                webtoon.episode(cartoon.title, panels), "application/zip")
    return files


def _files(cartoon, inputs, pngs, readers, books, extra=(), cartoon_language="en"):
    """(key, bytes, content type) of every page, its thumbnail, the PDFs (A4, Letter), the CBZ,
    each scene's reader panel (WebP) and `extra` (name, bytes, type: the EPUB), in that order,
    then the print editions and webtoon zip of `books` (`_print_files`)."""
    def key(name):
        return _key(cartoon, inputs, name)

    files = []
    for number, png in enumerate(pngs, start=1):
        files += [(key(f"page-{number}.png"), png, "image/png"),
                  (key(f"page-{number}.webp"), raster.thumbnail_webp(png, side=480),
                   "image/webp")]
    files += [books["pdf_key"], books["pdf_letter_key"],
              (key("cartoon.cbz"), exports.cbz(cartoon.title, pngs, cartoon_language),
               "application/vnd.comicbook+zip")]
    files += [(key(f"reader-{number:02d}.webp"), webp, "image/webp")
              for number, webp in enumerate(readers, start=1)]
    files += [(key(name), data, kind) for name, data, kind in extra]
    files += [books[name] for name in PRINT_EXTRAS if books[name]]
    return files


PRINT_EXTRAS = ("pdf_bleed_key", "pdf_letter_bleed_key", "webtoon_key")


def _art_files(cartoon, inputs, arts):
    """(key, bytes, type) of each page's picture before lettering (the cartoon page's overlay
    letters it in the browser), or None for a page that has none."""
    return [(_key(cartoon, inputs, f"page-{number}-art.webp"), art, "image/webp") if art
            else None for number, art in enumerate(arts, start=1)]


def _set_or_remove(values):
    """Update actions for {attribute name: value}: a None removes the attribute."""
    return [getattr(Cartoon, name).set(value) if value else getattr(Cartoon, name).remove()
            for name, value in values.items()]


def _compose(cartoon, scene_items, inputs):
    panels = [{"image": storage.read(s.image_key), "elements": scenes.elements_of(s),
               "staging": staging_of(s), "look": s.look, "alt": s.action}
              for s in scene_items]
    alive = guard.for_cartoon(cartoon.account_id, cartoon.cartoon_id)
    if any(panel["image"] is None for panel in panels):
        guard.check(alive)  # its deletion took the panels: Gone, nothing to retry
        raise RuntimeError("a finished panel is missing from the bucket")
    composed = pages.compose(cartoon.title, cartoon.layout or "auto", panels)
    pngs, geometry = composed.pngs, composed.geometry
    readers = []
    for scene, (image, info) in zip(geometry["scenes"], reader.pictures(panels), strict=True):
        scene["reader"] = info
        readers.append(raster.to_webp(image))
        del image
    lang = language(cartoon, scene_items)
    books = _print_files(cartoon, inputs, panels, lang)
    del panels
    ebook_file = ("cartoon.epub", ebook(cartoon, scene_items, pngs, geometry, lang),
                  epub.MEDIA_TYPE)
    files = _files(cartoon, inputs, pngs, readers, books, [ebook_file], lang)
    art_files = _art_files(cartoon, inputs, composed.arts)
    guard.put_all(alive, [*files, *(f for f in art_files if f)])
    keys = [key for key, _, _ in files]
    art_keys = [f[0] if f else "" for f in art_files]
    count = len(pngs)
    page_keys, thumb_keys = keys[0:2 * count:2], keys[1:2 * count:2]
    pdf_key, letter_key, cbz_key = keys[2 * count:2 * count + 3]
    readers_end = 2 * count + 3 + len(readers)
    reader_keys, epub_key = keys[2 * count + 3:readers_end], keys[readers_end]
    extras = {name: books[name][0] if books[name] else None for name in PRINT_EXTRAS}
    previous = [cartoon.strip_key, cartoon.strip_thumb_key, cartoon.pdf_key,
                cartoon.pdf_letter_key, cartoon.cbz_key, cartoon.epub_key,
                *(cartoon.page_keys or []), *(cartoon.page_thumb_keys or []),
                *(cartoon.reader_keys or []), *(cartoon.page_art_keys or []),
                *(getattr(cartoon, name) for name in PRINT_EXTRAS)]
    try:
        cartoon.update(actions=[
            Cartoon.strip_key.set(page_keys[0]), Cartoon.strip_thumb_key.set(thumb_keys[0]),
            Cartoon.page_keys.set(page_keys), Cartoon.page_thumb_keys.set(thumb_keys),
            Cartoon.pdf_key.set(pdf_key), Cartoon.pdf_letter_key.set(letter_key),
            Cartoon.cbz_key.set(cbz_key), Cartoon.reader_keys.set(reader_keys),
            Cartoon.epub_key.set(epub_key), Cartoon.page_art_keys.set(art_keys),
            Cartoon.geometry.set(geometry), Cartoon.strip_inputs.set(inputs),
            *_set_or_remove(extras)],
            condition=Cartoon.cartoon_id.exists() & Cartoon.deleting_since.does_not_exist())
    except UpdateError as error:
        if not lost_condition(error):
            raise
        guard.withdraw(*keys, *filter(None, art_keys))  # deleted between the re-check and this
    storage.delete(*[k for k in previous if k and k not in keys and k not in art_keys])
    logs.event("pages_composed", cartoon_id=cartoon.cartoon_id, panels=len(scene_items),
               pages=len(pngs))
