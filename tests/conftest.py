"""Shared test set-up: one cache folder for the whole session, outside the user's home."""

from __future__ import annotations

import os
import tempfile

# Set before coopstats is imported anywhere, so no test touches the real user folders, and always a
# fresh one: a COOPSTATS_HOME of the user's (their own corpus, their registry) never leaks into the suite.
os.environ["COOPSTATS_HOME"] = tempfile.mkdtemp(prefix="coopstats-tests-")

# The script that writes the test notebooks is not a test module: importing it (as --doctest-modules
# would) rewrites tests/notebooks/echo.ipynb.
collect_ignore_glob = ["notebooks/*.py"]
