"""Write the outcome sidecar of fixture cases by running them.

    python tests/record_outcomes.py fixtures/attribute/oo101_typo.py            # one-file case
    python tests/record_outcomes.py fixtures/attribute/oo103_missing --entry main.py
    python tests/record_outcomes.py --all                                        # re-record existing sidecars

The recorded line is the deepest traceback frame in the entry file. Re-recording changes nothing
unless Python's behaviour did; review the diff of any sidecar it rewrites.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixturelib import Case, discover_cases, run_case


def record(case: Case, entry: str | None) -> dict[str, object]:
    data: dict[str, object] = {}
    if case.path.is_dir():
        if entry is None:
            entry = json.loads(case.sidecar.read_text(encoding="utf-8"))["entry"] if case.runnable else None
        if entry is None:
            raise SystemExit(f"{case}: a folder case needs --entry")
        data["entry"] = entry
        case.sidecar.write_text(json.dumps(data) + "\n", encoding="utf-8")  # run_case reads the entry from it
    data.update(run_case(case).outcome)
    case.sidecar.write_text(json.dumps(data) + "\n", encoding="utf-8")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="*", type=Path)
    parser.add_argument("--entry", help="the script to run inside a folder case, e.g. main.py")
    parser.add_argument("--all", action="store_true", help="re-record every case that has a sidecar")
    args = parser.parse_args()
    cases = [c for c in discover_cases() if c.runnable] if args.all else [Case(p.resolve()) for p in args.cases]
    for case in cases:
        print(f"{case}: {json.dumps(record(case, args.entry))}")


if __name__ == "__main__":
    main()
