#!/usr/bin/env python
"""Django's command-line utility for a developer checkout.

Unlike the installed `fupin` command, it defaults to demo mode when no secret key is
configured, so checks such as `makemigrations --check` run in a fresh checkout; a
deployment sets FUPIN_SECRET_KEY (and never FUPIN_DEMO) and gets the secure settings.
"""

import os

from fupin.__main__ import main

if __name__ == "__main__":
    if "FUPIN_SECRET_KEY" not in os.environ:
        os.environ.setdefault("FUPIN_DEMO", "1")
    main()
