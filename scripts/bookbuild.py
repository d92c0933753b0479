"""Copy the repository, build its book, make a fresh environment: shared by the tests and by scripts/bench.py."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

#: Where the tests leave things for a person to look at (screenshots); _build/ is not committed.
ARTEFACTS = REPO / "_build" / "test-artefacts"


def clean_copy(destination: Path) -> Path:
    """Copy the files git knows about (tracked, or new and not ignored) to ``destination``: no .venv, no _build."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@functools.cache
def can_cut_the_network() -> bool:
    """Whether this machine lets us run a command in a network namespace with only loopback (root + unshare)."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    probe = subprocess.run(["unshare", "--net", "sh", "-c", "ip link set lo up"], capture_output=True)
    return probe.returncode == 0


def only_chapters(root: Path, *pages: str) -> Path:
    """Cut the copy's table of contents down to ``pages`` (the first is the root), for quick builds.

    The pages must only refer to each other; the references page is needed wherever {cite} is used.
    """
    toc = {"format": "jb-book", "root": pages[0]}
    if pages[1:]:
        toc["parts"] = [{"caption": "Test", "chapters": [{"file": p} for p in pages[1:]]}]
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    return root


def tool_env(root: Path) -> dict[str, str]:
    """This venv's tools and kernel, and ``root``'s own rtchx package (not the working tree's)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env["PYTHONPATH"] = str(root / "src")
    env.pop("RTCHX_DATA_DIR", None)
    return env


def build(root: Path, *, offline: bool = False, jobs: int | None = None) -> subprocess.CompletedProcess:
    """Run the project's strict build (scripts/build-html.sh) in ``root``.

    ``offline``: run it in a new network namespace with nothing but loopback (the kernel
    talks to the build over 127.0.0.1), so any attempt to reach the network fails the build.
    ``jobs``: how many notebooks run at once (RTCHX_BUILD_JOBS, book/_ext/rtchx_book.py); 0 is
    the serial build, where myst-nb executes each notebook as Sphinx reads it. None: the default.
    """
    command = ["bash", "scripts/build-html.sh"]
    if offline:
        command = ["unshare", "--net", "sh", "-c", "ip link set lo up && exec bash scripts/build-html.sh"]
    env = tool_env(root)
    if jobs is not None:
        env["RTCHX_BUILD_JOBS"] = str(jobs)
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=900)


def toc_pages(root: Path) -> list[str]:
    """Every page of the table of contents, root first, as paths without suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]


def html_pages(html: Path) -> list[Path]:
    """Every HTML page of a built book (not the theme's static files)."""
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def folder_bytes(path: Path) -> int:
    """The size of every file under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def fresh_environment(env_dir: Path, *pip_options: str) -> tuple[subprocess.CompletedProcess, float]:
    """A new virtual environment with requirements.txt alone installed, as Binder makes it
    (its last line installs rtchx itself): pip's result and the seconds it all took."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    install = subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", *pip_options, "-r", "requirements.txt"],
                             cwd=REPO, capture_output=True, text=True)
    return install, time.monotonic() - start
