"""The deployment of `make test-deploy`, brought up to be looked at by hand:

    .venv/bin/python tools/deploy_stack.py [--prefix portal-deploy] [--keep]

Two databases (<prefix>-a, <prefix>-b) with the suite installed, nginx in front of two
Odoo servers (--workers=2, sessions in PostgreSQL through OCA session_db) and a cron
server; see tests/deployment.py. Prints the addresses, then waits for Ctrl-C, stops
everything and drops the databases (unless --keep). A browser reaches a site as
http://<prefix>-a.localhost:<port> (most systems resolve *.localhost to 127.0.0.1).
Needs `tools/pg.sh start` (or `make setup`) first, and Debian's nginx.
"""

import argparse
import os
import signal
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from deployment import Stack  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="portal-deploy")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="deploy-stack-")
    stack = Stack(workdir, prefix=args.prefix)
    print(f"building {', '.join(stack.dbs)} (logs in {workdir})", flush=True)
    stack.build_databases()
    try:
        stack.start()
        for db in stack.dbs:
            print(f"site {db}: http://{stack.host(db)}/web (admin/admin)")
        for address, name in stack.upstream_names().items():
            print(f"  {name}: {address}")
        print(f"nginx: {stack.nginx.conf}; Ctrl-C stops", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        if not args.keep:
            stack.drop_databases()
    return 0


if __name__ == "__main__":
    sys.exit(main())
