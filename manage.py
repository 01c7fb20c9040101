#!/usr/bin/env python
import sys

from anjian.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
