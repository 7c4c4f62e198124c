"""Database helpers for the tooling, using Odoo's configuration and connection code.

python tools/dbutil.py CONF exists DB   -> exit 0 when DB exists
python tools/dbutil.py CONF drop DB     -> drops DB (and its filestore) if it exists
python tools/dbutil.py CONF freeport    -> prints a free TCP port on localhost
python tools/dbutil.py CONF missing DB MODULES -> prints those of the comma-separated
                                          MODULES that are not installed in DB
"""

import socket
import sys


def main(argv):
    conf, action, *args = argv
    if action == "freeport":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            print(sock.getsockname()[1])
        return 0
    import odoo
    from odoo.service import db

    odoo.tools.config.parse_config(["-c", conf])
    name, *rest = args
    if action == "missing":
        wanted = rest[0].split(",")
        with odoo.sql_db.db_connect(name).cursor() as cr:
            cr.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed'"
                " AND name = ANY(%s)",
                [wanted],
            )
            installed = {row[0] for row in cr.fetchall()}
        print(",".join(m for m in wanted if m not in installed))
        return 0
    if action == "exists":
        return 0 if db.exp_db_exist(name) else 1
    if action == "drop":
        if db.exp_db_exist(name):
            db.exp_drop(name)
        return 0
    raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
