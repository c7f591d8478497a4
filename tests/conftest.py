"""Test set-up shared by every test: Qt renders offscreen, numeric work stays on one thread,
the app's training runs on a thread (see below)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The app trains in a process of its own; most window tests read the live trainer, which only a
# training thread shares, and a thread starts at once. Tests of the process say so themselves.
os.environ.setdefault("MLPSTUDIO_TRAINING", "thread")
