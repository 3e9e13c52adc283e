"""Screenshots of the dashboard as an owner sees it: home, customers, one customer, playbooks and
models (and the rest) at desktop (1366x900) and phone (390x844) width, whole pages.

    .venv/bin/python bench/screenshots.py WORKSPACE OUT_DIR [--source SRC]

``--source`` serves another checkout's code (its ``src`` directory) on the same workspace
layout, which is how the before/after sets of a change are taken. Each page's width at the
phone size is printed, so a page wider than the screen is seen at once.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

PAGES = {"home": "/", "business": "/business", "customers": "/customers", "customer": None, "segments": "/segments",
         "playbooks": "/playbooks", "models": "/models", "data": "/data"}
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(workspace: Path, source: Path | None) -> tuple[subprocess.Popen, str, str]:
    env = dict(os.environ)
    if source:
        env["PYTHONPATH"] = str(source)
    port = _port()
    server = subprocess.Popen([sys.executable, "-c", "from regulars.cli import main; main()", "serve",
                               str(workspace), "--port", str(port)], stdout=subprocess.PIPE, text=True, env=env)
    for line in server.stdout:
        if "token=" in line:
            return server, f"http://127.0.0.1:{port}", re.search(r"(http\S+)", line).group(1)
    server.kill()
    raise SystemExit("the server printed no sign-in address")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--source", type=Path, help="another checkout's src directory to serve")
    args = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    server, url, link = serve(args.workspace, args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        driver.get(link)
        found = driver.find_elements("css selector", "main table a[href^='/customers/']")
        if found:  # a small shop's home may list nobody to open
            PAGES["customer"] = "/customers/" + found[0].get_attribute("href").rsplit("/", 1)[-1]
        for size, (width, height) in SIZES.items():
            for name, page in ((n, p) for n, p in PAGES.items() if p):
                driver.set_window_size(width, height)
                driver.get(url + page)
                full = driver.execute_script("return document.documentElement.scrollHeight")
                wide = driver.execute_script("return document.documentElement.scrollWidth")
                driver.set_window_size(width, min(full + 150, 6000))
                driver.save_screenshot(str(args.out / f"{name}-{size}.png"))
                print(f"{size:8} {name:10} {wide:5} px wide, {full:6} px tall")
    finally:
        driver.quit()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
