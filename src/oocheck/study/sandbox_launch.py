"""The launcher of a contained run: apply the limits to itself, then become the command.

Run as `python -I -S sandbox_launch.py SETTINGS_JSON -- COMMAND...` by `sandbox.run_contained` (a
separate process rather than a `preexec_fn`, which is unsafe when the executor runs several files at
once on threads). Standard library only, and nothing imported that a limit could break.

SETTINGS_JSON: {"rlimits": {"RLIMIT_AS": [soft, hard], ...}, "nproc": N, "cgroup_procs": path|null,
"readonly": [folder, ...], "writable": folder|null}. `nproc` is the number of processes the command
may add: RLIMIT_NPROC counts every process of the user, so the limit is set to what the user runs now plus `nproc`. The
kernel ignores RLIMIT_NPROC for root; then the process count is held by a pids cgroup, which this
process joins before exec. For root, in a private mount namespace, the `readonly` folders (the
inputs) are made read-only, and then, as far as the mounts allow, everything but `writable` (the
run's own folder), /dev and /proc; the capabilities that could undo that or the limits are dropped.
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
# Per-mount flags a read-only remount must keep (a bind remount clears the flags it is not given).
_KEPT_FLAGS = {"nosuid": 2, "nodev": 4, "noexec": 8, "noatime": 1024, "nodiratime": 2048, "relatime": 1 << 21}
_LEFT_WRITABLE = ("/dev", "/proc")
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


def _mounts() -> list[tuple[str, int]]:
    """Mount points of this namespace with the per-mount flags to keep, parents first."""
    mounts = []
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")  # \040 for a space
            flags = sum(_KEPT_FLAGS.get(option, 0) for option in fields[5].split(","))
            mounts.append((point, flags))
    return sorted(mounts, key=lambda m: m[0].count("/"))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _seal(writable: str) -> list[str]:
    """Remount everything read-only but `writable`, /dev and /proc; return the mounts that refused."""
    libc = ctypes.CDLL(None, use_errno=True)
    path = os.fsencode(writable)
    _check(libc.mount(path, path, None, _MS_BIND | _MS_REC, None), f"bind {writable}")
    refused = []
    for point, flags in _mounts():
        if _inside(point, writable) or any(_inside(point, kept) for kept in _LEFT_WRITABLE):
            continue
        if libc.mount(None, os.fsencode(point), None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | flags, None) != 0:
            refused.append(point)
    # The working directory was entered through the old mount, now read-only: enter it again.
    os.chdir(os.getcwd())
    return refused


def _drop_capabilities() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
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
            if settings.get("writable"):
                refused = _seal(settings["writable"])
                if refused:
                    sys.stderr.write(f"oocheck sandbox: stay writable: {', '.join(refused)}\n")
        except OSError as exc:  # no mount namespaces here (a container without them): say so, go on
            sys.stderr.write(f"oocheck sandbox: input folders stay writable: {exc}\n")
        _drop_capabilities()
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
