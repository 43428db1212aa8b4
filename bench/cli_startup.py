"""Cold start of the commands a person types: how long ``flask --app wsgi --help`` takes to
answer, and how long ``flask --app wsgi demo seed`` takes before it starts its work.

    .venv/bin/python -m bench.cli_startup [--runs 7] [--record]

Every run is a new process on a fresh SQLite file (nothing is cached in the process; the
operating system's file cache is warm after the first run, as it is for a person typing
commands). ``demo seed`` is started through a small wrapper that notes the moment click hands
control to the command's own function; the time from spawning the process to that moment is
the start-up a person waits through before any work. The machine's floor is measured in the
same run: the bare interpreter, and the interpreter importing Flask (no Flask command can start
faster than that). Prints medians, and each figure as a multiple of the Flask floor.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Runs the flask CLI, printing when click invokes a leaf command (a command that is not a group).
_WRAPPER = """
import sys, time, click
_invoke = click.Command.invoke
def invoke(self, ctx):
    if not isinstance(self, click.Group):
        sys.stderr.write(f"BENCH-STARTED {time.time()!r}\\n"); sys.stderr.flush()
    return _invoke(self, ctx)
click.Command.invoke = invoke
from flask.cli import main
sys.argv = ["flask", *sys.argv[1:]]
main()
"""


def _env(folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "FLASK_"))}
    env.update(DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3", LOG_LEVEL="WARNING",
               SECRET_KEY="bench-only")  # noqa: S106 -- a throw-away database's key
    return env


def _timed(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, float | None]:
    """Wall seconds of the whole process, and seconds until the command started (if it said)."""
    began = time.time()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    total = time.time() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    started = next((float(line.split()[1]) - began for line in done.stderr.splitlines()
                    if line.startswith("BENCH-STARTED ")), None)
    return total, started


def measure(runs: int) -> dict[str, list[float]]:
    python = sys.executable
    figures: dict[str, list[float]] = {name: [] for name in (
        "python -c pass", "python -c 'import flask'", "flask --help", "flask demo seed: start",
        "flask demo seed: whole")}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            env = _env(folder)
            # The schema first (not timed): demo seed works on a migrated database.
            subprocess.run([python, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env=env, cwd=ROOT,  # noqa: S603
                           capture_output=True, check=True)
            figures["python -c pass"].append(_timed([python, "-c", "pass"], env, folder)[0])
            figures["python -c 'import flask'"].append(_timed([python, "-c", "import flask"], env, folder)[0])
            figures["flask --help"].append(_timed([python, "-m", "flask", "--app", "wsgi", "--help"], env, ROOT)[0])
            whole, started = _timed([python, "-c", _WRAPPER, "--app", "wsgi", "demo", "seed"], env, ROOT)
            figures["flask demo seed: start"].append(started)
            figures["flask demo seed: whole"].append(whole)
    return figures


def report(figures: dict[str, list[float]], label: str = "") -> str:
    floor = statistics.median(figures["python -c 'import flask'"])
    load = os.getloadavg()[0]
    title = f"CLI cold start{f' ({label})' if label else ''}"
    lines = [f"## {title} — {dt.datetime.now(dt.UTC).date().isoformat()}", "",
             f"`.venv/bin/python -m bench.cli_startup --runs {len(figures['flask --help'])}` "
             f"(load average {load:.1f} at the end)", "",
             "| command | median s | min s | x Flask floor |", "|---|---|---|---|"]
    for name, values in figures.items():
        lines.append(f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} | "
                     f"{statistics.median(values) / floor:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="append the table to bench/RESULTS.md")
    parser.add_argument("--label", default="", help="a word on what was measured, for the heading")
    args = parser.parse_args()
    text = report(measure(args.runs), args.label)
    print(text)
    if args.record:
        with open(ROOT / "bench" / "RESULTS.md", "a") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
