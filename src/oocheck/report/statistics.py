"""`--statistics`: how many findings each code has, most frequent first (as `ruff --statistics`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from oocheck.diagnostics import Finding


def write_statistics(findings: Sequence[Finding], out: TextIO, as_json: bool) -> None:
    counts = Counter(f.code for f in findings)
    first = {f.code: f for f in reversed(findings)}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        json.dump([{"code": code, "name": first[code].name, "predicts": first[code].predicts, "count": count}
                   for code, count in rows], out, indent=2)
        out.write("\n")
        return
    width = len(str(max(counts.values(), default=0)))
    for code, count in rows:
        out.write(f"{count:>{width}}\t{code}\t{first[code].name}\t(predicts {first[code].predicts})\n")
