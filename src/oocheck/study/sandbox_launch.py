"""The launcher of a contained run: apply the limits to itself, then become the command.

Run as `python -I -S sandbox_launch.py SETTINGS_JSON -- COMMAND...` by `sandbox.run_contained` (a
separate process rather than a `preexec_fn`, which is unsafe when the executor runs several files at
once on threads). Standard library only, and nothing imported that a limit could break.

SETTINGS_JSON: {"rlimits": {"RLIMIT_AS": [soft, hard], ...}, "nproc": N, "cgroup_procs": path|null}.
`nproc` is the number of processes the command may add: RLIMIT_NPROC counts every process of the
user, so the limit is set to what the user runs now plus `nproc`. The kernel ignores RLIMIT_NPROC
for root; then the process count is held by a pids cgroup, which this process joins before exec.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def _processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("Uid:"):
                        count += int(line.split()[1]) == uid
                        break
        except OSError:  # the process ended while we looked
            continue
    return count


def main(argv: list[str]) -> int:
    settings = json.loads(argv[1])
    command = argv[argv.index("--") + 1:]
    if settings.get("cgroup_procs"):
        with open(settings["cgroup_procs"], "w", encoding="ascii") as handle:
            handle.write(str(os.getpid()))
    for name, (soft, hard) in settings.get("rlimits", {}).items():
        resource.setrlimit(getattr(resource, name), (soft, hard))
    if settings.get("nproc"):
        allowed = _processes_of(os.getuid()) + int(settings["nproc"])
        resource.setrlimit(resource.RLIMIT_NPROC, (allowed, allowed))
    try:
        os.execv(command[0], command)
    except OSError as exc:
        sys.stderr.write(f"oocheck sandbox: cannot run {command[0]}: {exc.strerror or exc}\n")
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv))
