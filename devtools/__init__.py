"""What the tests, the local stack's checks (local/) and the benchmarks (benchmarks/) share: the
API client over the local gateway, the cartoon steps they take, and the reading of the import
layout. Never deployed (Chalice packages app.py and chalicelib/ only); tests import it, it
imports no test."""
