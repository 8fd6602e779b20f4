"""Builds the lettering's faces from Comic Relief's web subsets, for the engine and the site.

Comic Relief (SIL OFL 1.1, a Comic Sans-metric comic face covering Latin, Latin Extended, Greek
and Cyrillic) is published on npm by Fontsource as one woff file per subset and weight. Its
glyphs keep their names across subsets, so a subset's glyphs are merged into the Latin one by
name, with their advances and the union of the cmaps: one full face per weight.

- chalicelib/comic/fonts/ComicRelief-Regular.ttf and -Bold.ttf: the engine's body and emphasis
  faces (typeset.py);
- site/fonts/lettering.woff2 and lettering-emphasis.woff2: the same faces for the cartoon
  page's overlay, so the browser measures and draws what the server does.

The faces carry no GSUB nor GDEF (the subsets' only substitution is a Lithuanian `locl`): Pillow's
basic layout applies none, so the browser applies none either and both measure alike (Comic
Relief has no kerning). Rebuild (brotli, from requirements-dev.txt, writes the woff2):

    npm pack @fontsource/comic-relief@5.3.0 && tar xzf fontsource-comic-relief-5.3.0.tgz
    python -m local.lettering_fonts package/files
"""

import argparse
import shutil
from pathlib import Path

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "chalicelib" / "comic" / "fonts"
SITE = ROOT / "site" / "fonts"
SUBSETS = ("latin", "latin-ext", "greek", "cyrillic")  # the first is the base
FACES = {400: ("ComicRelief-Regular.ttf", "lettering.woff2"),
         700: ("ComicRelief-Bold.ttf", "lettering-emphasis.woff2")}
LICENCE = "OFL-ComicRelief.txt"


def _cmap_table(mapping):
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = []
    for platform, encoding in ((0, 3), (3, 1)):
        subtable = CmapSubtable.newSubtable(4)
        subtable.platformID, subtable.platEncID, subtable.language = platform, encoding, 0
        subtable.cmap = dict(mapping)
        table.tables.append(subtable)
    return table


def merged(files):
    """One TTFont holding every glyph and character of `files` (subsets of one face)."""
    fonts = [TTFont(str(f)) for f in files]
    base = fonts[0]
    order = list(base.getGlyphOrder())
    glyf, hmtx = base["glyf"], base["hmtx"]
    mapping = dict(base.getBestCmap())
    for font in fonts[1:]:
        for name in font.getGlyphOrder():
            if name not in glyf.glyphs:
                glyph = font["glyf"][name]
                glyph.expand(font["glyf"])
                glyf.glyphs[name] = glyph
                hmtx.metrics[name] = font["hmtx"][name]
                order.append(name)
        for code, name in font.getBestCmap().items():
            mapping.setdefault(code, name)
    base.setGlyphOrder(order)
    glyf.glyphOrder = order
    base["cmap"] = _cmap_table(mapping)
    for tag in ("GSUB", "GDEF"):
        if tag in base:
            del base[tag]
    os2 = base["OS/2"]
    os2.usFirstCharIndex, os2.usLastCharIndex = min(mapping), min(max(mapping), 0xFFFF)
    os2.recalcUnicodeRanges(base)
    return base


def build(files_dir):
    files_dir = Path(files_dir)
    for weight, (engine_name, site_name) in FACES.items():
        face = merged(files_dir / f"comic-relief-{subset}-{weight}-normal.woff"
                      for subset in SUBSETS)
        face.flavor = None
        face.save(str(ENGINE / engine_name))
        web = TTFont(str(ENGINE / engine_name))
        web.flavor = "woff2"
        web.save(str(SITE / site_name))
    licence = files_dir.parent / "LICENSE"
    for folder in (ENGINE, SITE):
        shutil.copyfile(licence, folder / LICENCE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", help="the files/ folder of @fontsource/comic-relief")
    build(parser.parse_args().files)


if __name__ == "__main__":
    main()
