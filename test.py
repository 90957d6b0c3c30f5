#!/usr/bin/env python3
"""Run every Loupe test: ``python3 test.py [pytest args]``.

Installs what the tests need when it is missing, then runs pytest:
- a virtual environment in .venv with requirements-dev.txt (duckdb, pytest,
  playwright — the Python package only; it drives Debian's Chromium);
- Debian's ``chromium`` through apt-get when /usr/bin/chromium is absent;
- Debian's ``postgresql`` through apt-get when no /usr/lib/postgresql/*/bin/pg_ctl
  exists (the exported PostgreSQL SQL runs on it; its tests skip, saying so,
  when the install fails);
- the app's vendored dependencies (``serve.py --setup-only``);
- ``ruff check`` and ``ruff format --check`` before pytest (ruff.toml);
- the corpus of real CSV files the reading tests compare with pandas
  (``tools/corpus.py``: packages pinned by hash in tests/corpus/requirements.txt);
- the corpus of real spreadsheets compared with native readers
  (``tools/workbook_corpus.py``: packages pinned by hash in
  tests/corpus/workbook_requirements.txt).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements-dev.txt"
STAMP = VENV / ".requirements-dev.sha256"
CHROMIUM = Path(os.environ.get("LOUPE_CHROMIUM", "/usr/bin/chromium"))


def main(argv: list[str]) -> int:
    _ensure_venv()
    _ensure_chromium()
    _ensure_postgres()
    setup = subprocess.run([sys.executable, str(ROOT / "serve.py"), "--setup-only"], cwd=ROOT)
    if setup.returncode != 0:
        return setup.returncode
    for module in ("tools.corpus", "tools.workbook_corpus"):
        corpus = subprocess.run([str(PYTHON), "-m", module], cwd=ROOT)
        if corpus.returncode != 0:
            return corpus.returncode
    lint = _lint()
    if lint != 0:
        return lint
    args = argv or ["tests"]
    return subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT).returncode


def _lint() -> int:
    """``ruff check`` and ``ruff format --check`` (settings in ruff.toml); nonzero when either fails."""
    ruff = VENV / "bin" / "ruff"
    for command in ([str(ruff), "check", "."], [str(ruff), "format", "--check", "."]):
        done = subprocess.run(command, cwd=ROOT)
        if done.returncode != 0:
            print(
                "Lint failed: run " + " ".join(command[1:]) + " (with --fix, or without --check) and look again.",
                flush=True,
            )
            return done.returncode
    return 0


def _ensure_venv() -> None:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    print("Installing test dependencies into .venv ...", flush=True)
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        check=True,
    )
    STAMP.write_text(digest)


def _ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") is None:
        sys.exit(
            f"Chromium is missing at {CHROMIUM} and apt-get is not available: "
            "install Chromium, or set LOUPE_CHROMIUM to its path."
        )
    print("Installing Debian's chromium for the browser tests ...", flush=True)
    _apt_install("chromium", check=True)


def _ensure_postgres() -> None:
    """PostgreSQL's server for tests/unit/test_code_postgres.py; a failed install is reported, not fatal."""
    if list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        return
    print("Installing Debian's postgresql for the exported-SQL tests ...", flush=True)
    if shutil.which("apt-get") is None or not _apt_install("postgresql", check=False):
        print(
            "PostgreSQL could not be installed (apt-get install -y postgresql failed or apt-get is missing): "
            "tests/unit/test_code_postgres.py will skip. Install it and run the tests again.",
            flush=True,
        )


_APT_UPDATED: list[bool] = []


def _apt_install(package: str, check: bool) -> bool:
    """``apt-get install -y package`` (one ``apt-get update`` per run first; sudo unless root): True if it worked."""
    apt = shutil.which("apt-get") or "apt-get"
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _APT_UPDATED:
        updated = subprocess.run([*sudo, apt, "update", "-qq"], check=check, env=env)
        if updated.returncode != 0:
            return False
        _APT_UPDATED.append(True)
    installed = subprocess.run([*sudo, apt, "install", "-y", "-qq", package], check=check, env=env)
    return installed.returncode == 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
