"""Expand layouts_compact.txt (typed by hand) into layouts.csv: one row per task x agency."""

import csv
import re
from pathlib import Path

ROLE = {"L": "lead", "C": "co", "R": "responsible", "S": "listed"}
here = Path(__file__).parent
with open(here / "layouts.csv", "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "sample",
            "layout",
            "chapter_no",
            "section_no",
            "item_no",
            "seq",
            "deadline",
            "position",
            "name",
            "role",
            "label",
        ]
    )
    for line in (here / "layouts_compact.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        *key, groups = line.split("|")
        position = 0
        for group in groups.split(";"):
            m = re.fullmatch(r"(?P<r>[LCRS])(?:\[(?P<label>[^\]]+)\])?:(?P<names>.+)", group)
            for name in m["names"].split(","):
                position += 1
                w.writerow([*key, position, name, ROLE[m["r"]], m["label"] or ""])
