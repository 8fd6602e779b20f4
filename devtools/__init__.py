"""What the tests, the local stack's checks (local/) and the benchmarks (benchmarks/) share: the
API client over the local gateway, the cartoon steps they take, the local stack run in a
subprocess and a person's steps in the site (stack.py, browser.py), and the reading of the import
layout. Never deployed (Chalice packages app.py and chalicelib/ only); tests import it, it
imports no test."""
