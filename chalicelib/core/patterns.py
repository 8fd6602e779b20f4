"""Regular expressions compiled at their first use, not at import.

Compiling the two dozen patterns the API's modules declare cost every cold start about 2 ms
(benchmarks/cold_start.py), though most requests use two or three of them. A `Pattern` is
declared like `re.compile` and answers like one (`fullmatch`, `match`, `search`, `sub`,
`findall`, `pattern`); it compiles, through `re`'s own cache, when first asked.
"""

import re


class Pattern:
    def __init__(self, pattern, flags=0):
        self.pattern, self.flags, self._compiled = pattern, flags, None

    def __getattr__(self, name):
        """Only what the instance lacks: the compiled pattern's method, kept on the instance,
        so later calls (the log scrubber's, on every line) go straight to it."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        method = self.__dict__[name] = getattr(self._compiled, name)
        return method

    def __repr__(self):
        return f"Pattern({self.pattern!r})"
