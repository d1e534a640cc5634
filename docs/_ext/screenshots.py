"""Screenshots of the documentation site, to see its layout rather than guess it.

Builds the site (``mkdocs build --strict``), serves it on 127.0.0.1 and has headless Chromium
photograph a few pages at a desktop and a phone width. Look at the PNGs: clipped code,
the copy button over a signature, table cells broken mid-word show there and nowhere else.

    python docs/_ext/screenshots.py                 # PNGs in build/screenshots/
    python docs/_ext/screenshots.py --out /tmp/shots --page guides/errors/

Needs the ``docs`` extra and a Chromium (Debian: ``apt-get install chromium``; or pass
``--chromium PATH``). Chromium may reach 127.0.0.1 only: every other host fails to resolve,
so the web fonts fall back to the system's and nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("", "reference/clients/")
WIDTHS = {"desktop": (1280, 1600), "phone": (390, 1400)}
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=5000",
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build_site(site_dir: Path) -> None:
    """``mkdocs build --strict`` into ``site_dir``; raises if the build fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` on 127.0.0.1 (a free port) from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()


def screenshot(chromium: str, url: str, png: Path, size: tuple[int, int]) -> None:
    """One screenshot of ``url`` in a window of ``size`` (width, height) pixels."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={png}",
            url,
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    parser.add_argument("--page", action="append", help="a page path such as guides/errors/")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args(argv)
    if any("#" in page for page in args.page or ()):
        parser.error("--page takes a page's path, no #anchor: Chromium photographs those blank")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="customers-sdk-site-") as site:
        build_site(Path(site))
        with serve(Path(site)) as base_url:
            for page in args.page or PAGES:
                for label, size in WIDTHS.items():
                    slug = re.sub(r"[^\w.]+", "-", page).strip("-") or "home"
                    name = f"{slug}-{label}.png"
                    screenshot(args.chromium, base_url + page, args.out / name, size)
                    print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
