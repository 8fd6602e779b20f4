"""Composition: panels, lettering and the strip, drawn with Pillow from plain data. Pure: it
imports nothing else of ours, and nothing here touches AWS. Pillow loads only with the modules
that draw, so importing the package (for LAYOUT_VERSION) costs a cold start nothing."""

LAYOUT_VERSION = 2  # bump when the pages' look changes: stored pages are then recomposed
