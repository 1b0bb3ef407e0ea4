"""Screenshots of a running Odoo for the README.

    .venv/bin/python tools/screenshot.py URL_PATH OUT.png [URL_PATH OUT.png ...]

Logs in as admin on http://localhost:8069 (database customer_demo) and
drives headless Chromium through the DevTools protocol.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import requests
import websocket

BASE = os.environ.get("ODOO_URL", "http://localhost:8069")
DB = os.environ.get("ODOO_DB", "customer_demo")
PORT = 9333


def login():
    response = requests.post(
        f"{BASE}/web/session/authenticate",
        json={"params": {"db": DB, "login": "admin", "password": "admin"}},
        timeout=30,
    )
    response.raise_for_status()
    return response.cookies["session_id"]


def main(pairs):
    session = login()
    profile = tempfile.mkdtemp()
    browser = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={PORT}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/json", timeout=2) as f:
                    pages = [p for p in json.load(f) if p["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10**6))

        def call(method, **params):
            message_id = next(counter)
            ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == message_id:
                    return message.get("result", {})

        call("Network.enable")
        call("Network.setCookie", name="session_id", value=session, url=BASE)
        call(
            "Emulation.setDeviceMetricsOverride",
            width=1440,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        for path, out in zip(pairs[::2], pairs[1::2], strict=True):
            call("Page.navigate", url=f"{BASE}{path}")
            time.sleep(6)
            data = call("Page.captureScreenshot", format="png")["data"]
            with open(out, "wb") as f:
                f.write(base64.b64decode(data))
            print(out)
    finally:
        browser.terminate()


if __name__ == "__main__":
    main(sys.argv[1:])
