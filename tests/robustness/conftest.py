"""Helpers of the robustness suite: folders compared byte for byte, child processes of the suite's home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name → bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def small_frames(tag: str, rows: int = 200) -> dict[str, pd.DataFrame]:
    """Frames whose content depends on ``tag`` (so two exports differ in every file)."""
    return {
        "tasks": pd.DataFrame({"task_id": [f"{tag}-{i}" for i in range(rows)], "n": range(rows)}),
        "figures": pd.DataFrame(
            {"surface": [f"{tag} {i}亿元" for i in range(rows)], "value": [i * 1e8 for i in range(rows)]}
        ),
    }


def child(code: str, **env: str) -> subprocess.Popen[str]:
    """A Python child running ``code`` with the suite's COOPSTATS_HOME (and ``env``)."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def frames_a() -> dict[str, pd.DataFrame]:
    return small_frames("a")
