"""The benchmark registry behind `enforcelink bench`.

Benchmarks live in the repository's top-level `bench/` directory, one module each, and register
themselves with `@register("name", "what it measures")`. A benchmark adds its options, runs, and
returns a Markdown section; the command writes it into docs/benchmarks.md between
`<!-- bench:name -->` markers, so each benchmark owns its part of the page and reruns replace it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings


class Runner(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, options: argparse.Namespace, log: Callable[[str], None]) -> str: ...


@dataclass(frozen=True)
class Benchmark:
    name: str
    help: str
    runner: Runner


REGISTRY: dict[str, Benchmark] = {}


def register(name: str, help: str) -> Callable[[type[Any]], type[Any]]:
    def decorate(cls: type[Any]) -> type[Any]:
        REGISTRY[name] = Benchmark(name, help, cls())
        return cls

    return decorate


def bench_dir() -> Path:
    return Path(getattr(settings, "REPO_DIR", Path.cwd())) / "bench"


def discover(directory: Path | None = None) -> dict[str, Benchmark]:
    """Import every `bench/*.py` once; each registers what it offers."""
    directory = directory or bench_dir()
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module_name = f"enforcelink_bench_{path.stem}"
        if module_name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return REGISTRY


# --- the machine, for the record ---------------------------------------------------------------


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown"


def _ram_gib() -> str:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return "unknown"
    match = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else "unknown"


def postgres_version(url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "unknown"
    except Exception:  # unreachable server: the report says so instead of failing
        return "not reachable"


def machine(postgres_url: str | None = None) -> dict[str, str]:
    info = {
        "CPU": _cpu_model(),
        "Cores": str(os.cpu_count()),
        "RAM": _ram_gib(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Load average at start": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    if postgres_url:
        info["PostgreSQL"] = postgres_version(postgres_url)
    return info


def machine_table(info: Mapping[str, str]) -> str:
    rows = "\n".join(f"| {key} | {value} |" for key, value in info.items())
    return f"| Machine | |\n|---|---|\n{rows}"


# --- docs ------------------------------------------------------------------------------------------

DOCS_HEADER = """# Benchmarks

Produced by `enforcelink bench <name>` (`enforcelink bench list` shows them); each section below is
rewritten by its benchmark. Figures are from the machine named in the section, usually a shared
2-core build machine: read the load average next to them.
"""


def write_section(path: Path, name: str, markdown: str) -> None:
    """Replace (or append) the section between this benchmark's markers."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = path.read_text() if path.exists() else DOCS_HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else f"{text.rstrip()}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def enforcelink(args: list[str], env: Mapping[str, str], *, capture: bool = True) -> str:
    """Run `enforcelink …` in a fresh process (its own database settings and memory figures)."""
    result = subprocess.run(
        [sys.executable, "-m", "enforcelink.cli", *args],
        env=dict(env),
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"enforcelink {' '.join(args)} failed:\n{result.stderr or ''}{result.stdout or ''}"
        )
    return result.stdout or ""
