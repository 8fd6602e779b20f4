"""The pages: composed by the scene that completes a cartoon, and by the `recompose` job that a
text edit queues. Each page is composed at the panels' full resolution with their lettering
(comic/pages.py) and stored with a thumbnail, beside a PDF for A4 paper, one for US Letter,
a CBZ of all the pages and an accessible EPUB (comic/epub.py: each panel's alt text and a
transcript, worded in the cartoon's language); page 1 is also the cartoon's `strip` (what older
clients show) and its gallery cover. Each scene is also stored alone, lettered again for a
phone's full width (comic/reader.py: the reader's pictures), and the pages' geometry (cells,
text sizes, balloon positions) is kept on the cartoon for the site. The stored pages are current
when their fingerprint (cartoons/strips.py) matches what the scenes show now."""

from pynamodb.exceptions import UpdateError

from chalicelib.adapters import storage
from chalicelib.cartoons import scenes
from chalicelib.cartoons.sharing import transcript_line
from chalicelib.cartoons.strips import strip_inputs
from chalicelib.cartoons.view import find_cartoon
from chalicelib.comic import epub, exports, lettering, pages, raster, reader
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


def language(cartoon, scene_items):
    """The cartoon's language (BCP 47), from its words."""
    return language_of(cartoon.title, *(e.get("text") for s in scene_items
                                        for e in scenes.elements_of(s)))


def book(cartoon, scene_items, pngs, geometry, lang):
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


def _files(cartoon, inputs, pngs, readers=(), extra=(), cartoon_language="en"):
    """(key, bytes, content type) of every page, its thumbnail, the PDFs (A4, Letter), the CBZ,
    each scene's reader panel (WebP) and `extra` (name, bytes, type: the EPUB), in that
    order."""
    def key(name):
        return storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id,
                                   f"pages/{inputs[:16]}/{name}")

    files = []
    for number, png in enumerate(pngs, start=1):
        files += [(key(f"page-{number}.png"), png, "image/png"),
                  (key(f"page-{number}.webp"), raster.thumbnail_webp(png, side=480),
                   "image/webp")]
    files += [(key("cartoon.pdf"), exports.pdf(cartoon.title, pngs, "A4"), "application/pdf"),
              (key("cartoon-letter.pdf"), exports.pdf(cartoon.title, pngs, "Letter"),
               "application/pdf"),
              (key("cartoon.cbz"), exports.cbz(cartoon.title, pngs, cartoon_language),
               "application/vnd.comicbook+zip")]
    files += [(key(f"reader-{number:02d}.webp"), webp, "image/webp")
              for number, webp in enumerate(readers, start=1)]
    files += [(key(name), data, kind) for name, data, kind in extra]
    return files


def _compose(cartoon, scene_items, inputs):
    panels = [{"image": storage.read(s.image_key), "elements": scenes.elements_of(s),
               "staging": staging_of(s)} for s in scene_items]
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
    del panels
    lang = language(cartoon, scene_items)
    ebook = ("cartoon.epub", book(cartoon, scene_items, pngs, geometry, lang),
             epub.MEDIA_TYPE)
    files = _files(cartoon, inputs, pngs, readers, [ebook], lang)
    guard.put_all(alive, files)
    keys = [key for key, _, _ in files]
    count = len(pngs)
    page_keys, thumb_keys = keys[0:2 * count:2], keys[1:2 * count:2]
    pdf_key, letter_key, cbz_key = keys[2 * count:2 * count + 3]
    reader_keys, epub_key = keys[2 * count + 3:-1], keys[-1]
    previous = [cartoon.strip_key, cartoon.strip_thumb_key, cartoon.pdf_key,
                cartoon.pdf_letter_key, cartoon.cbz_key, cartoon.epub_key,
                *(cartoon.page_keys or []), *(cartoon.page_thumb_keys or []),
                *(cartoon.reader_keys or [])]
    try:
        cartoon.update(actions=[
            Cartoon.strip_key.set(page_keys[0]), Cartoon.strip_thumb_key.set(thumb_keys[0]),
            Cartoon.page_keys.set(page_keys), Cartoon.page_thumb_keys.set(thumb_keys),
            Cartoon.pdf_key.set(pdf_key), Cartoon.pdf_letter_key.set(letter_key),
            Cartoon.cbz_key.set(cbz_key), Cartoon.reader_keys.set(reader_keys),
            Cartoon.epub_key.set(epub_key),
            Cartoon.geometry.set(geometry), Cartoon.strip_inputs.set(inputs)],
            condition=Cartoon.cartoon_id.exists() & Cartoon.deleting_since.does_not_exist())
    except UpdateError as error:
        if not lost_condition(error):
            raise
        guard.withdraw(*keys)  # deleted between the re-check and this write
    storage.delete(*[k for k in previous if k and k not in keys])
    logs.event("pages_composed", cartoon_id=cartoon.cartoon_id, panels=len(scene_items),
               pages=len(pngs))
