"""`python -m chalicelib.admin ...`: the operator's command line, chalicelib/money/admin.py,
under the shorter name the runbooks use (`python -m chalicelib.admin costs`)."""

import sys

from chalicelib.money.admin import main

if __name__ == "__main__":
    sys.exit(main())
