"""Benchmark: the switch with the two-factor step-up against the switch with the
password alone.

Not a timed test: it prints figures (JSON on the last line). One database without demo
data (``<prefix>_totp``) with the three addons, served with --workers=2 and one cron
worker, as in production. "Confirm switch with password" is on for both sides.

- password only: "Require two-factor authentication to switch" off, portal users
  without two-factor authentication type their password;
- with TOTP: the setting on, portal users with two-factor authentication type their
  password and the code of their authenticator, computed with auth_totp's own
  ``hotp`` (Odoo's source, found through .local/odoo.conf).

Timed: POST /my/switch_to_internal, then the backend page /web it redirects to, until
served (the round trip of the switch benchmark). The two sides are measured side by
side in one run: blocks of --block switches of each kind alternate, their order
swapped every round, after one round of warm-up. The setting changes between blocks;
that costs nothing the switches do not cost already (each switch and revert changes
groups, which clears the caches of every worker). Each switch is the first of its
user in the round: every iteration has its own user, so no code is ever typed twice
(Odoo would accept a code again within its 30 s; the figures do not rely on it) and
no wrong code is sent (the login rate limit never engages). Users go back to portal
("Back to portal now") after each switch, untimed; a later run uses them again.

Passwords are hashed as Odoo hashes them (600,000 PBKDF2 rounds): the first login of
a user rehashes the bench's cheap hash, and the password confirmation checks that
hash at every switch, on both sides, as in production.

Target: median with TOTP <= 1.10 x median with the password only.

Usage: .venv/bin/python bench/user_dynamic_management_totp.py [--prefix udm_bench]
       [--rebuild] [--switches 30] [--block 5]
($UDM_TOTP_BENCH_PORT: the HTTP port, 8381 by default.)
"""

import argparse
import base64
import hashlib
import json
import os
import re
import statistics
import time

from user_dynamic_management_switch import (
    CONF,
    Client,
    db_exists,
    install_db,
    run_setup,
    start_server,
    stats,
)

PORT = int(os.environ.get("UDM_TOTP_BENCH_PORT", "8381"))
PARAM_TOTP = "user_dynamic_management.require_totp"
KINDS = ("password", "totp")

# bench_pw_<i> without two-factor authentication, bench_totp_<i> with it (the secret
# derived from the login, see secret_of); cheap hashes, rehashed by Odoo at the first
# login
SETUP = r"""
import base64, hashlib
from odoo import Command
from passlib.context import CryptContext
env = env(context=dict(env.context, no_reset_password=True, tracking_disable=True))
portal = env.ref("base.group_portal")
cheap = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=1000)
for kind in ("pw", "totp"):
    for i in range(__USERS__):
        login = f"bench_{kind}_{i}"
        user = env["res.users"].search([("login", "=", login)])
        if user:
            continue
        user = env["res.users"].create({
            "name": login, "login": login,
            "groups_id": [Command.set(portal.ids)],
            "allow_portal_access_internal": True, "enable_idle_time": True,
            "idle_time": 600,
        })
        env.cr.execute("UPDATE res_users SET password = %s WHERE id = %s",
                       (cheap.hash("pw-" + login), user.id))
        if kind == "totp":
            digest = hashlib.sha1(login.encode()).digest()
            user.totp_secret = base64.b32encode(digest).decode()
ICP = env["ir.config_parameter"]
ICP.set_param("user_dynamic_management.max_portal_user", "0")
ICP.set_param("user_dynamic_management.confirm_password", "True")
env.cr.commit()
print("SETUP OK")
"""


def secret_of(login):
    """The base32 TOTP secret of a bench user (as SETUP gave it)."""
    return base64.b32encode(hashlib.sha1(login.encode()).digest()).decode()


def odoo_hotp():
    """auth_totp's hotp() and time step, imported from the server's addons path."""
    import odoo

    odoo.tools.config.parse_config(["-c", CONF])
    from odoo.addons.auth_totp.models.totp import TIMESTEP, hotp

    def code(secret, step=0):
        counter = int(time.time() / TIMESTEP) + step
        return str(hotp(base64.b32decode(secret), counter)).zfill(6)

    return code


class TotpClient(Client):
    """A portal user with two-factor authentication, logged in through the login
    page and the code page, as a person does."""

    def __init__(self, url, db, login, code):
        self.secret, self.code, self.used = secret_of(login), code, set()
        super().__init__(url, db, login)

    def fresh_code(self):
        """The authenticator's code now, or the next step's (which Odoo accepts too)
        when this one was typed already: no code is typed twice."""
        code = self.code(self.secret)
        if code in self.used:
            code = self.code(self.secret, 1)
        self.used.add(code)
        return code

    def form_token(self, path):
        html = self.http.get(self.url + path, timeout=60).text
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def authenticate(self):
        resp = self.http.post(
            self.url + "/web/login",
            data={
                "login": self.login,
                "password": self.password,
                "csrf_token": self.form_token("/web/login"),
                "redirect": "/my",
            },
            allow_redirects=False,
            timeout=120,
        )
        assert "/web/login/totp" in resp.headers.get("Location", ""), resp.headers
        resp = self.http.post(
            self.url + "/web/login/totp",
            data={
                "totp_token": self.fresh_code(),
                "csrf_token": self.form_token("/web/login/totp"),
            },
            allow_redirects=False,
            timeout=120,
        )
        assert resp.headers.get("Location", "").endswith("/my"), resp.headers

    def switch_with_code(self, token):
        return self.switch(token, totp_code=self.fresh_code())


def build(db, users, rebuild):
    if rebuild or not db_exists(db):
        install_db(db, PORT + 50)
    run_setup(db, SETUP.replace("__USERS__", str(users)))


def measure(url, db, admin, switches, block):
    """Rounds of one block of each kind; returns the times (ms) of each kind, the
    warm-up round left out."""
    rounds = -(-switches // block) + 1
    code = odoo_hotp()
    users = {
        "password": [Client(url, db, f"bench_pw_{i}") for i in range(rounds * block)],
        "totp": [
            TotpClient(url, db, f"bench_totp_{i}", code) for i in range(rounds * block)
        ],
    }
    times = {kind: [] for kind in KINDS}
    for r in range(rounds):
        for kind in KINDS if r % 2 else KINDS[::-1]:
            admin.call(
                "ir.config_parameter", "set_param", PARAM_TOTP, str(kind == "totp")
            )
            # a request or two for the workers to see the new setting
            for _i in range(2):
                users[kind][0].http.get(url + "/my", timeout=60).raise_for_status()
            for user in users[kind][r * block : (r + 1) * block]:
                token = user.token()
                if kind == "totp":
                    elapsed = user.switch_with_code(token)
                else:
                    elapsed = user.switch(token)
                if r:
                    times[kind].append(elapsed)
                user.jsonrpc("/user_dynamic_management/back_to_portal", {})
    admin.call("ir.config_parameter", "set_param", PARAM_TOTP, "False")
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", default="udm_bench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--switches", type=int, default=30, help="per kind")
    parser.add_argument("--block", type=int, default=5)
    args = parser.parse_args()
    db = f"{args.prefix}_totp"
    rounds = -(-args.switches // args.block) + 1
    build(db, rounds * args.block, args.rebuild)
    proc, url = start_server(db, PORT)
    try:
        admin = Client(url, db, "admin", "admin")
        times = measure(url, db, admin, args.switches, args.block)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    result = {
        "password_only": stats(times["password"]),
        "with_totp": stats(times["totp"]),
        "ratio": round(medians["totp"] / medians["password"], 3),
        "ratio_target": 1.10,
    }
    print(
        f"switch round trip: with TOTP {result['with_totp']['median_ms']} ms, "
        f"password only {result['password_only']['median_ms']} ms: {result['ratio']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
