"""Cold start: the import time of `app` against the floor (chalice + pynamodb + boto3 alone).

Each sample is a fresh interpreter; the two commands alternate so both see the same machine
load, and the figure is the ratio of their medians, measured in one run. On a loaded machine the
wall-clock ratio swings (1.04 to 1.73 from one run to the next, seen on 2 shared cores); the CPU
time the interpreters used (user + system) swings much less, so it is printed too. Where
valgrind is installed, the instructions each command executes are counted once (callgrind):
that count is the same on an idle machine and a loaded one, so it is the figure to compare
between commits. Time also pays for memory, which the count does not see, so the page faults
are printed as well: they showed app.py's import order costing some 10 ms (see app.py).
"""

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "import chalice.app, pynamodb.models, pynamodb.transactions, boto3"
APP = "import app"
HEAVY = ("openai", "stripe", "resend", "PIL")


def used():
    """(CPU seconds, minor page faults) of the interpreters run so far."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime, children.ru_minflt


def sample(code):
    """(wall-clock seconds, CPU seconds, page faults) of a fresh interpreter running `code`."""
    started, (cpu, faults) = time.perf_counter(), used()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=ENV)
    cpu_after, faults_after = used()
    return time.perf_counter() - started, cpu_after - cpu, faults_after - faults


def instructions(code):
    """Instructions a fresh interpreter executes running `code`, or None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, "-c", code], cwd=ROOT, env=ENV, check=True,
                         capture_output=True, text=True)
    return int(re.search(r"Collected : (\d+)", run.stderr)[1])


def loaded_heavy_modules():
    code = ("import sys, app; print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & "
            f"set({HEAVY!r}))))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, check=True,
                          capture_output=True, text=True).stdout.strip()


ENV = {**os.environ, "STAGE": "local", "PYTHONDONTWRITEBYTECODE": "0"}


def main():
    rounds = int(os.environ.get("ROUNDS", "15"))
    sample(APP), sample(FLOOR)  # warm the page cache and the bytecode cache
    floor, full = [], []
    for _ in range(rounds):
        floor.append(sample(FLOOR))
        full.append(sample(APP))
    floor_ms, app_ms = (statistics.median(s[0] for s in floor) * 1000,
                        statistics.median(s[0] for s in full) * 1000)
    floor_cpu, app_cpu = (statistics.median(s[1] for s in floor) * 1000,
                          statistics.median(s[1] for s in full) * 1000)
    print(f"floor (chalice+pynamodb+boto3): {floor_ms:.0f} ms median of {rounds}")
    print(f"import app:                     {app_ms:.0f} ms median of {rounds}")
    print(f"cold start ratio app/floor:     {app_ms / floor_ms:.2f}")
    print(f"CPU time, floor / app:          {floor_cpu:.0f} ms / {app_cpu:.0f} ms, "
          f"ratio {app_cpu / floor_cpu:.2f}")
    floor_faults, app_faults = (statistics.median(s[2] for s in floor),
                                statistics.median(s[2] for s in full))
    print(f"page faults, floor / app:       {floor_faults:.0f} / {app_faults:.0f}, "
          f"ratio {app_faults / floor_faults:.2f}")
    floor_count, app_count = instructions(FLOOR), instructions(APP)
    if floor_count is None:
        print("instructions:                   not counted (valgrind is not installed)")
    else:
        print(f"instructions, floor / app:      {floor_count / 1e6:.0f} M / "
              f"{app_count / 1e6:.0f} M, ratio {app_count / floor_count:.3f}")
    print(f"heavy SDKs imported by app:     {loaded_heavy_modules() or 'none'}")


if __name__ == "__main__":
    main()
