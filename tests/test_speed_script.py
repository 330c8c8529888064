"""benchmarks/speed.py: its command line and its measuring wrapper (the timings themselves are never tested)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "speed.py"


@pytest.fixture(scope="module")
def speed() -> ModuleType:
    spec = importlib.util.spec_from_file_location("speed_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_help_teaches_the_options() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    for option in ("--runs", "--corpus-dir", "--peers", "--json", "pip download"):
        assert option in proc.stdout
    assert "--measure-one" not in proc.stdout


def test_unknown_peer_is_a_usage_error() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--peers", "ty,flake9"], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 2 and "flake9" in proc.stderr


def test_peers_all_and_none(speed: ModuleType) -> None:
    assert speed.parse_args(["--peers", "all"]).peers == list(speed.PEERS)
    assert speed.parse_args(["--peers", "none"]).peers == []
    assert speed.parse_args([]).peers == list(speed.DEFAULT_PEERS)


def test_parse_measurement_reads_the_last_marker_line(speed: ModuleType) -> None:
    first = speed.Measurement(wall_s=1.5, max_rss_kib=2048, tree_kib=0, returncode=1, cpu_s=1.25)
    second = speed.Measurement(wall_s=0.25, max_rss_kib=1024, tree_kib=3072, returncode=0)
    text = f"noise\n{speed.format_measurement(first)}\nmore noise\n{speed.format_measurement(second)}\n"
    parsed = speed.parse_measurement(text)
    assert parsed == second
    assert parsed.peak_mib == 3.0  # the larger of the largest process and the sampled tree
    assert speed.parse_measurement(speed.format_measurement(first)).peak_mib == 2.0
    with pytest.raises(ValueError):
        speed.parse_measurement("Traceback (most recent call last):\n")


def test_each_measurement_is_isolated(speed: ModuleType, tmp_path: Path) -> None:
    # 80 MiB written (so resident), then a tiny command: its peak must not inherit the first one's.
    big = speed.measure([sys.executable, "-c", "import time; b = b'x' * (80 << 20); time.sleep(0.2)"], tmp_path,
                        tmp_path / "big.log", timeout=60)
    small = speed.measure([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, tmp_path / "small.log",
                          timeout=60)
    assert big.returncode == 0 and big.peak_mib >= 80 and big.tree_kib >= 80 * 1024
    assert small.returncode == 3 and small.peak_mib < 60
    assert big.wall_s > 0 and big.cpu_s > 0


def test_targets_judge_medians_and_ratios(speed: ModuleType, tmp_path: Path) -> None:
    def case(name: str, walls: list[float], peak_kib: int = 100 * 1024, oocheck: bool = True) -> object:
        row = speed.Case(name, ["true"], tmp_path, is_oocheck=oocheck)
        row.runs = [speed.Measurement(wall_s=w, max_rss_kib=peak_kib, tree_kib=0, returncode=0, cpu_s=w / 2)
                    for w in walls]
        return row

    cases = [case("mypy cold", [9.0, 10.0, 30.0], oocheck=False),  # median 10, not the mean
             case("mypy --check-untyped-defs cold", [20.0], oocheck=False),
             case("oocheck cold --no-mypy", [8.0, 12.0, 11.0]),
             case("oocheck cold mypy bridge", [25.0], peak_kib=500 * 1024),
             case("oocheck one file warm --no-mypy", [0.4])]
    found = {t["target"]: t for t in speed.targets(cases)}
    assert found["oocheck cold --no-mypy / mypy cold"]["value"] == pytest.approx(1.1)
    assert found["oocheck cold --no-mypy / mypy cold"]["status"] == "FAIL"
    assert found["oocheck cold mypy bridge / mypy --check-untyped-defs cold"]["status"] == "FAIL"  # 1.25 > 1.2
    assert found["oocheck one file warm --no-mypy"]["status"] == "PASS"
    assert found["oocheck --stdin-filename warm"]["status"] == "n/a"  # not measured is not a pass
    assert found["peak memory, every oocheck row"]["value"] == pytest.approx(500.0)
    assert found["peak memory, every oocheck row"]["status"] == "FAIL"


def test_two_processes_at_once_are_summed_also_after_the_first_second(speed: ModuleType, tmp_path: Path) -> None:
    # Memory is read every 0.5 s after the first second (each read slows the measured processes):
    # two processes holding 60 MiB each from 1.2 s to 2.4 s still add up.
    hold = "import time; time.sleep(1.2); b = b'x' * (60 << 20); time.sleep(1.2)"
    both = f"import subprocess, sys; c = subprocess.Popen([sys.executable, '-c', {hold!r}]); exec({hold!r}); c.wait()"
    measured = speed.measure([sys.executable, "-c", both], tmp_path, tmp_path / "both.log", timeout=60)
    assert measured.returncode == 0
    assert measured.max_rss_kib < 100 * 1024 < measured.tree_kib, measured
