#!/usr/bin/env python
"""Django's command-line utility; `fupin` (installed by pip) is the same entry point."""

from fupin.__main__ import main

if __name__ == "__main__":
    main()
