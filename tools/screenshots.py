"""Screenshots of the suite for the Apps pages and READMEs, on `make run`'s demo data.

    make run &                              # in another terminal (demo database)
    .venv/bin/python tools/screenshots.py   # or: make screenshots

Drives headless Chromium through the DevTools protocol (package websocket-client) the
way a person would: logs in on /web/login, types, clicks buttons. Each shot is written
to the static/description/ folder of the addon it illustrates; the manifests list them
under `images` and `make readme` puts them in README.rst and index.html. Re-run it
whenever the screens change. It changes the demo database as a person would: the
portal user switches to internal, and the administrator reverts the switch.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1400, 900


class Browser:
    """A headless Chromium page driven over the DevTools protocol."""

    def __init__(self, chromium):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="suite-shots-")
        self.proc = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json/list", timeout=2
                ) as resp:
                    pages = [t for t in json.load(resp) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                self.close()
                raise SystemExit("Chromium did not start (is /usr/bin/chromium there?)")
            time.sleep(0.2)
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.msg_id = 0
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        self.msg_id += 1
        self.ws.send(
            json.dumps({"id": self.msg_id, "method": method, "params": params})
        )
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == "Page.javascriptDialogOpening":
                # e.g. "leave this page?": a person would confirm to go on
                self.msg_id += 1
                self.ws.send(
                    json.dumps(
                        {
                            "id": self.msg_id,
                            "method": "Page.handleJavaScriptDialog",
                            "params": {"accept": True},
                        }
                    )
                )
                print(f"  (dialog accepted: {msg['params'].get('message')!r})")
                continue
            if msg.get("id") == self.msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def js(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url):
        self.send("Page.navigate", url=url)
        self.wait("document.readyState === 'complete'", f"page {url}")

    def wait(self, condition, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.js(f"!!({condition})"):
                    return
            except RuntimeError:
                pass  # the page is navigating: its context is gone for a moment
            time.sleep(0.25)
        raise SystemExit(f"timed out waiting for {what} ({condition})")

    def click(self, selector, what):
        self.wait(f"document.querySelector({json.dumps(selector)})", what)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")

    def type(self, selector, text):
        """Types into an input: focus, then real key input (as a person typing)."""
        self.wait(f"document.querySelector({json.dumps(selector)})", selector)
        self.js(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def settle(self, seconds=1.0):
        """Lets animations, fonts and OWL rendering finish before a shot."""
        self.wait(
            "!document.querySelector('.o_loading_indicator, .o_blockUI')", "loading"
        )
        time.sleep(seconds)

    def shot(self, path, height=HEIGHT, clip=None):
        """Saves the viewport (made `height` pixels high for long pages) as a PNG, or
        the `clip` (x, y, width, height) of it, enlarged twice."""
        if height != HEIGHT:
            self.send(
                "Emulation.setDeviceMetricsOverride",
                width=WIDTH,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            time.sleep(0.5)
        params = {"format": "png"}
        if clip:
            x, y, w, h = clip
            params["clip"] = {"x": x, "y": y, "width": w, "height": h, "scale": 2}
        data = self.send("Page.captureScreenshot", **params)["data"]
        if height != HEIGHT:
            self.send(
                "Emulation.setDeviceMetricsOverride",
                width=WIDTH,
                height=HEIGHT,
                deviceScaleFactor=1,
                mobile=False,
            )
        path.write_bytes(base64.b64decode(data))
        print(f"  {path.relative_to(ROOT)}")

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def login(browser, base, login_name, password, landing):
    # a person leaving a form they only looked at discards it (nothing is saved)
    discard = ".o_form_status_indicator_buttons:not(.invisible) .o_form_button_cancel"
    browser.js(
        f"document.querySelector('{discard}')"
        f" && document.querySelector('{discard}').click()"
    )
    browser.goto(f"{base}/web/session/logout?redirect=/web/login")
    browser.wait("document.querySelector('form.oe_login_form')", "the login form")
    browser.type("input[name=login]", login_name)
    browser.type("input[name=password]", password)
    browser.click("form.oe_login_form button[type=submit]", "the Log in button")
    browser.wait(landing, f"{login_name} logged in")


def backend(browser, base, action, ready):
    browser.goto(f"{base}/web#action={action}")
    browser.wait(ready, action)
    browser.settle()


def description(addon):
    return ROOT / addon / "static" / "description"


SHOTS = []


def shot(func):
    SHOTS.append(func)
    return func


@shot
def access_right_templates(b, base, admin, portal):
    login(b, base, *admin, "document.querySelector('.o_main_navbar')")
    backend(
        b,
        base,
        "access_right_template.action_access_right_templates",
        "document.querySelector('.o_list_view .o_data_row')",
    )
    b.shot(description("access_right_template") / "access_right_templates.png")
    b.click(".o_list_view .o_data_row .o_data_cell", "a template in the list")
    b.wait("document.querySelector('.o_form_view .o_form_sheet')", "template form")
    b.settle()
    b.shot(description("access_right_template") / "access_right_template_form.png")


@shot
def portal_access_group(b, base, admin, portal):
    login(b, base, *admin, "document.querySelector('.o_main_navbar')")
    backend(
        b,
        base,
        "portal_field_access.portal_access_group_action",
        "document.querySelector('.o_data_row, .o_kanban_record')",
    )
    b.click(".o_data_row .o_data_cell, .o_kanban_record", "a Portal Access Group")
    b.wait("document.querySelector('.o_form_view .o_form_sheet')", "group form")
    b.settle()
    b.shot(description("portal_field_access") / "portal_access_group_form.png")


# The demo customer of the group "Customers: profile" (portal_field_access demo data):
# its My Account shows Read and Write fields; the stock demo portal user has the
# default group's stock form.
PROFILE_USER = ("portal_profile", "portal_profile")


@shot
def my_account(b, base, admin, portal):
    login(b, base, *PROFILE_USER, "location.pathname.startsWith('/my')")
    b.goto(f"{base}/my/account")
    b.wait("document.querySelector('form')", "My Account")
    b.settle()
    b.shot(description("portal_field_access") / "portal_my_account.png", height=1300)


@shot
def switch_to_internal(b, base, admin, portal):
    udm = description("user_dynamic_management")
    login(b, base, *portal, "location.pathname.startsWith('/my')")
    b.goto(f"{base}/my")
    b.wait("document.querySelector('#udm_switch_to_internal')", "the switch card")
    b.js("document.querySelector('#udm_switch_to_internal').scrollIntoView()")
    b.settle()
    b.shot(udm / "portal_switch_card.png")
    if b.js("!!document.querySelector('#udm_password')"):
        b.type("#udm_password", portal[1])
    b.click("#udm_switch_button", "Switch to Internal User")
    b.wait("document.querySelector('.o_main_navbar')", "the backend after the switch")
    b.settle(3)  # the countdown ticks once a second
    # the top-right corner of the backend, where the countdown is, enlarged
    b.shot(udm / "backend_countdown.png", clip=(WIDTH - 600, 0, 600, 46))
    # Forget the portal user's session without logging out (a logout would switch back):
    # the administrator then sees an active switch.
    b.send("Network.enable")
    b.send("Network.clearBrowserCookies")
    login(b, base, *admin, "document.querySelector('.o_main_navbar')")
    backend(
        b,
        base,
        "user_dynamic_management.action_portal_internal_switch",
        "document.querySelector('.o_data_row button[name=action_confirm_revert]')",
    )
    b.shot(udm / "portal_switches.png")
    # and put the demo back as it was: Revert now, confirmed
    b.click(".o_data_row button[name=action_confirm_revert]", "Revert now")
    b.click(".modal-footer .btn-primary", "the confirmation's Revert now")
    b.wait(
        "!document.querySelector('.o_data_row button[name=action_confirm_revert]')",
        "the revert",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    port = os.environ.get("ODOO_PORT", "8069")
    parser.add_argument("--url", default=f"http://localhost:{port}")
    parser.add_argument("--admin", default="admin:admin", help="login:password")
    parser.add_argument("--portal", default="portal:portal", help="login:password")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("only", nargs="*", help=f"among {[f.__name__ for f in SHOTS]}")
    args = parser.parse_args()
    try:
        urllib.request.urlopen(f"{args.url}/web/login", timeout=10).close()
    except OSError as exc:
        raise SystemExit(
            f"no Odoo at {args.url} ({exc}): start `make run` first"
        ) from exc
    admin = tuple(args.admin.split(":", 1))
    portal = tuple(args.portal.split(":", 1))
    browser = Browser(args.chromium)
    try:
        for func in SHOTS:
            if not args.only or func.__name__ in args.only:
                print(func.__name__)
                func(browser, args.url, admin, portal)
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
