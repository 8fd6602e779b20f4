"""Composition: the time and peak memory to compose an 8-panel page from 1024 px panels carrying
3 balloons each (budget: 1 s, 300 MB), and the time and size of the printed book (A4, and its
print edition with bleed), CBZ and webtoon episode of a 24-scene cartoon, and the smallest
printed text size of the book over all layouts (24 scenes each); `books()`: the CBZ and the
accessible EPUB of a 24-scene cartoon, and its reader pictures' smallest text at a 390 CSS px
phone's width.

Panels are noisy gradients, which compress about as badly as drawn art. Each measure runs in a
fresh interpreter so its peak resident memory (ru_maxrss, which counts Pillow's buffers, unlike
tracemalloc) is its own; the page is timed cold (the first, loading fonts and plugins), then
warm (the median of the next five).
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 1.0
BUDGET_MB = 300

CHILD = r"""
import io, json, resource, statistics, sys, time
RUNS = 6
from PIL import Image, ImageDraw
from chalicelib.comic import book, exports, layouts, pages, raster, reader, webtoon

def art(seed, size):
    noise = Image.effect_noise(size, 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(noise, gradient, 0.5)
    draw = ImageDraw.Draw(image)
    for k in range(3):
        x = size[0] * (2 * k + 1) / 6
        draw.ellipse((x - 90, size[1] * 0.45, x + 90, size[1] * 0.9),
                     fill=((seed * 40 + 70 * k) % 256, 120, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()

TEXTS = [{"kind": "speech", "speaker": "Ada", "text": "Did you see the croissants? 🥐"},
         {"kind": "speech", "speaker": "Bob", "text": "Καλημέρα! Привет! I ate them all."},
         {"kind": "thought", "speaker": "Cy", "text": "Crème brûlée next time 😀"}]
STAGING = {"Ada": "left", "Cy": "centre", "Bob": "right"}

def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

mode = sys.argv[1]
result = {}
if mode == "page":
    panels = [{"image": art(i, (1024, 1024)), "elements": TEXTS, "staging": STAGING}
              for i in range(8)]
    result["before_mb"] = rss_mb()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        (png,) = pages.compose_cartoon("A benchmark", "auto", panels)
        times.append(time.perf_counter() - started)
    result["cold_s"], result["warm_s"] = times[0], statistics.median(times[1:])
    result["peak_mb"] = rss_mb()
    result["size"] = Image.open(io.BytesIO(png)).size
    result["png_mb"] = len(png) / 1e6
elif mode == "book":
    sizes = layouts.drawing_sizes("auto", 24)
    panels = [{"image": art(i, size), "elements": TEXTS, "staging": STAGING}
              for i, size in enumerate(sizes)]
    started = time.perf_counter()
    pngs = pages.compose_cartoon("A benchmark", "auto", panels)
    result["pages"] = len(pngs)
    result["compose_s"] = time.perf_counter() - started
    for name, make in (("pdf", lambda: book.pdf("A benchmark", "auto", panels)),
                       ("editions", lambda: b"".join(book.editions("A benchmark", "auto",
                                                                    panels)[:2])),
                       ("cbz", lambda: exports.cbz("A benchmark", pngs))):
        started = time.perf_counter()
        data = make()
        result[name + "_s"] = time.perf_counter() - started
        result[name + "_mb"] = len(data) / 1e6
    started = time.perf_counter()  # each scene lettered alone for the phone reader, as WebP
    webps = [raster.to_webp(image) for image, _ in reader.pictures(panels)]
    result["readers_s"] = time.perf_counter() - started
    result["readers_mb"] = sum(len(w) for w in webps) / 1e6
    result["peak_mb"] = rss_mb()
elif mode == "webtoon":
    panels = [{"image": art(i, size), "elements": TEXTS, "staging": STAGING}
              for i, size in enumerate(layouts.drawing_sizes("webtoon", 24))]
    started = time.perf_counter()
    data = webtoon.episode("A benchmark", panels)
    result["webtoon_s"] = time.perf_counter() - started
    result["webtoon_mb"] = len(data) / 1e6
    import zipfile
    archive = zipfile.ZipFile(io.BytesIO(data))
    result["images"] = len(archive.namelist())
    result["largest_image_mb"] = max(i.file_size for i in archive.infolist()) / 1e6
    result["peak_mb"] = rss_mb()
else:  # the book's plan for each layout and paper: its smallest printed text
    result["plans"] = []
    for template in layouts.TEMPLATES:
        panels = [{"image": Image.new("RGB", size), "elements": TEXTS, "staging": STAGING}
                  for size in layouts.drawing_sizes(template, 24)]
        for paper in book.PAPERS:
            plan = book.plan(template, panels, paper)
            result["plans"].append([template, paper, plan.text_pt, plan.ppi, len(plan.pages),
                                    min(plan.fills)])
print(json.dumps(result))
"""


def measure(mode):
    answer = subprocess.run([sys.executable, "-c", CHILD, mode], cwd=ROOT, check=True,
                            capture_output=True, text=True)
    return json.loads(answer.stdout)


BOOKS = r"""
import json, sys, time
sys.argv = ["", "book"]
CHILD_HEAD
from chalicelib.comic import epub, reader
from chalicelib.comic.language import language_of
sizes = layouts.drawing_sizes("auto", 24)
panels = [{"image": art(i, size), "elements": TEXTS, "staging": STAGING}
          for i, size in enumerate(sizes)]
composed = pages.compose("A benchmark", "auto", panels)
pngs, geometry = composed.pngs, composed.geometry
out = {"pages": len(pngs)}
started = time.perf_counter()
data = exports.cbz("A benchmark", pngs, language_of("A benchmark"))
out["cbz_s"], out["cbz_mb"] = time.perf_counter() - started, len(data) / 1e6
started = time.perf_counter()
panel_lists = [[] for _ in pngs]
for scene in geometry["scenes"]:
    panel_lists[scene["page"] - 1].append(epub.Panel(tuple(scene["box"]), "Scene: words."))
words = epub.Words("Contents", "The cartoon in words", "Page {n} of {total}", "A summary.")
data = epub.book(title="A benchmark", language="en", book_id=epub.identifier("bench"),
                 modified="2026-01-01T00:00:00Z", pngs=pngs, panels=panel_lists,
                 scenes=[epub.Scene("Scene", "An action.", ("Ada says: hello",))] * 24,
                 words=words)
out["epub_s"], out["epub_mb"] = time.perf_counter() - started, len(data) / 1e6
started = time.perf_counter()
infos = [info for _, info in reader.pictures(panels)]
out["readers_s"] = time.perf_counter() - started
out["reader_min_css_px"] = min(i["text_css_px"] for i in infos if i["text_css_px"])
out["headroom_panels"] = sum(1 for i in infos if i["headroom"])
print(json.dumps(out))
"""


def books():
    """The CBZ and the EPUB of a 24-scene cartoon (time and size), and its reader pictures'
    smallest lettering on a 390 CSS px phone."""
    head = CHILD.split("mode = sys.argv[1]")[0]
    answer = subprocess.run([sys.executable, "-c", BOOKS.replace("CHILD_HEAD", head)],
                            cwd=ROOT, check=True, capture_output=True, text=True)
    book = json.loads(answer.stdout.strip().splitlines()[-1])
    print(f"24-scene cartoon, {book['pages']} pages: CBZ {book['cbz_s']:.2f} s, "
          f"{book['cbz_mb']:.1f} MB; EPUB {book['epub_s']:.2f} s, {book['epub_mb']:.1f} MB")
    print(f"  reader pictures: {book['readers_s']:.2f} s, smallest text "
          f"{book['reader_min_css_px']:.1f} CSS px at 390 px, {book['headroom_panels']} with "
          "paper added above the art")
    return book


def main():
    page = measure("page")
    print(f"8-panel page of 1024 px panels, 3 balloons each: {page['size'][0]}x"
          f"{page['size'][1]} px, {page['png_mb']:.1f} MB PNG")
    print(f"  compose: {page['cold_s']:.2f} s cold, {page['warm_s']:.2f} s warm"
          f" (median of 5; budget {BUDGET_SECONDS:.0f} s)")
    print(f"  peak memory: {page['peak_mb']:.0f} MB resident, {page['before_mb']:.0f} MB before "
          f"composing (budget {BUDGET_MB} MB)")
    book = measure("book")
    print(f"24-scene cartoon: {book['pages']} pages composed in {book['compose_s']:.2f} s")
    print(f"  printed book (A4): {book['pdf_s']:.2f} s, {book['pdf_mb']:.1f} MB; both A4 "
          f"editions (plain, bleed): {book['editions_s']:.2f} s, "
          f"{book['editions_mb']:.1f} MB")
    print(f"  CBZ: {book['cbz_s']:.2f} s, {book['cbz_mb']:.1f} MB; "
          f"reader pictures: {book['readers_s']:.2f} s, {book['readers_mb']:.1f} MB; "
          f"peak memory {book['peak_mb']:.0f} MB")
    episode = measure("webtoon")
    print(f"24-scene webtoon episode: {episode['webtoon_s']:.2f} s, "
          f"{episode['webtoon_mb']:.1f} MB zip, {episode['images']} images "
          f"(largest {episode['largest_image_mb']:.2f} MB), "
          f"peak memory {episode['peak_mb']:.0f} MB")
    plans = measure("plans")["plans"]
    for template, paper, text_pt, ppi, count, fill in plans:
        print(f"  book, {template} on {paper}: text {text_pt:.2f} pt, {ppi:.0f} ppi, "
              f"{count} pages, emptiest page {fill:.0%} full")
    print(f"smallest printed text over all layouts: {min(p[2] for p in plans):.2f} pt")
    books()
    over = page["warm_s"] > BUDGET_SECONDS or page["peak_mb"] > BUDGET_MB
    if over:
        sys.exit("over budget")


if __name__ == "__main__":
    main()
