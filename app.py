"""Start MLP Studio from a checkout without installing it: ``python app.py [file] [options]``."""

import sys

from mlpstudio.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
