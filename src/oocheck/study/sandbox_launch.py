"""The launcher of a contained run: apply the limits to itself, then become the command.

Run as `python -I -S sandbox_launch.py SETTINGS_JSON -- COMMAND...` by `sandbox.run_contained` (a
separate process rather than a `preexec_fn`, which is unsafe when the executor runs several files at
once on threads). Standard library only, and nothing imported that a limit could break.

SETTINGS_JSON: {"rlimits": {"RLIMIT_AS": [soft, hard], ...}, "nproc": N, "cgroup_procs": path|null,
"readonly": [folder, ...]}. `nproc` is the number of processes the command may add: RLIMIT_NPROC
counts every process of the user, so the limit is set to what the user runs now plus `nproc`. The
kernel ignores RLIMIT_NPROC for root; then the process count is held by a pids cgroup, which this
process joins before exec. For root, the `readonly` folders (the inputs) are also made read-only in a
private mount namespace, and the capabilities that could undo that or the limits are dropped.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys

_CLONE_NEWNS = 0x00020000
_MS_RDONLY, _MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
_PR_CAPBSET_DROP = 24
# CAP_SYS_ADMIN (remount), CAP_SYS_RESOURCE (raise limits), CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_SYS_BOOT.
_DROPPED_CAPABILITIES = (21, 24, 19, 16, 22)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _read_only(folders: list[str]) -> None:
    """Make `folders` read-only for this process and its children only (a private mount namespace)."""
    libc = ctypes.CDLL(None, use_errno=True)
    _check(libc.unshare(_CLONE_NEWNS), "unshare")
    _check(libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None), "make mounts private")
    for folder in folders:
        path = os.fsencode(folder)
        _check(libc.mount(path, path, None, _MS_BIND | _MS_REC, None), f"bind {folder}")
        _check(libc.mount(None, path, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY, None), f"read-only {folder}")
    for capability in _DROPPED_CAPABILITIES:
        libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)


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
    if settings.get("readonly") and os.geteuid() == 0:
        try:
            _read_only(settings["readonly"])
        except OSError as exc:  # no mount namespaces here (a container without them): say so, go on
            sys.stderr.write(f"oocheck sandbox: input folders stay writable: {exc}\n")
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
