"""What people submit and see: the specs, the quote and the charge, views, edits and redraws,
scenes and the gallery. Never runs the worker's code."""
