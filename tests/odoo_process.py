"""Real Odoo processes and direct database access for the reliability tests.

The live_server fixture of conftest.py gives one server for the whole session; the
reliability tests also need several processes on one database, and a server they can
stop and start again (on a database no other Odoo process serves).
"""

import configparser
import os
import shutil
import socket
import subprocess
import time

import psycopg2
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _options():
    conf = os.environ.get("SUITE_ODOO_CONF") or os.path.join(
        ROOT, ".local", "odoo.conf"
    )
    parser = configparser.ConfigParser()
    parser.read(conf)
    return parser["options"]


def connect(db):
    """A psycopg2 connection to `db` with Odoo's settings (autocommit)."""
    opts = _options()
    kwargs = {"dbname": db}
    for key, arg in (("db_host", "host"), ("db_port", "port"), ("db_user", "user")):
        value = opts.get(key)
        if value and value != "False":
            kwargs[arg] = value
    password = opts.get("db_password")
    if password and password != "False":
        kwargs["password"] = password
    conn = psycopg2.connect(**kwargs)
    conn.autocommit = True
    return conn


def _pg_env():
    opts = _options()
    env = dict(os.environ)
    for key, var in (
        ("db_host", "PGHOST"),
        ("db_port", "PGPORT"),
        ("db_user", "PGUSER"),
        ("db_password", "PGPASSWORD"),
    ):
        value = opts.get(key)
        if value and value != "False":
            env[var] = value
    return env


def _pg_tool(name):
    found = shutil.which(name)
    if found:
        return found
    for version in sorted(os.listdir("/usr/lib/postgresql"), reverse=True):
        path = f"/usr/lib/postgresql/{version}/bin/{name}"
        if os.path.exists(path):
            return path
    raise FileNotFoundError(name)


def clone_database(src, dst):
    """Copy `src` (which may be in use) into a new database `dst`, with its
    filestore."""
    drop_database(dst)
    env = _pg_env()
    subprocess.run([_pg_tool("createdb"), dst], check=True, env=env)
    dump = subprocess.Popen(
        [_pg_tool("pg_dump"), "-Fc", "--no-owner", src], stdout=subprocess.PIPE, env=env
    )
    subprocess.run(
        [_pg_tool("pg_restore"), "--no-owner", "-d", dst],
        stdin=dump.stdout,
        check=True,
        env=env,
    )
    dump.stdout.close()
    assert dump.wait() == 0, "pg_dump failed"
    data_dir = _options().get("data_dir")
    if data_dir:
        source = os.path.join(data_dir, "filestore", src)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(data_dir, "filestore", dst))


def drop_database(db):
    subprocess.run(
        [_pg_tool("dropdb"), "--if-exists", "--force", db], check=True, env=_pg_env()
    )
    data_dir = _options().get("data_dir")
    if data_dir:
        shutil.rmtree(os.path.join(data_dir, "filestore", db), ignore_errors=True)


class OdooServer:
    """`odoo-bin` on one database, --workers=N, that can be stopped and started again
    on the same port."""

    def __init__(self, db, log_path, workers=2, cron_threads=1):
        self.db, self.log_path = db, log_path
        self.workers, self.cron_threads = workers, cron_threads
        self.port, self.gevent_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, timeout=180):
        cmd = [
            os.path.join(ROOT, "tools", "odoo.sh"),
            "-d", self.db, f"--db-filter=^{self.db}$",
            f"--http-port={self.port}", f"--gevent-port={self.gevent_port}",
            f"--workers={self.workers}", f"--max-cron-threads={self.cron_threads}",
            "--log-level=warn",
        ]  # fmt: skip
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while True:
            try:
                # the first page may take long on a loaded machine (assets)
                resp = requests.get(f"{self.url}/web/login", timeout=60)
                if resp.status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                with open(self.log_path) as log:
                    raise RuntimeError(f"Odoo did not start:\n{log.read()[-3000:]}")
            time.sleep(0.3)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        # the port is free again only once every worker has exited
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                requests.get(f"{self.url}/web/login", timeout=1)
            except requests.ConnectionError:
                return
            except requests.Timeout:
                pass  # still accepting connections: not down yet
            time.sleep(0.2)

    def log_errors(self, since=0):
        """Lines of the server log at ERROR or CRITICAL level (from byte `since`)."""
        return log_errors(self.log_path, since)


def log_errors(path, since=0):
    """Lines of the Odoo log at `path` at ERROR or CRITICAL level, from byte `since`
    on (a size read earlier with os.path.getsize: what a test added to the log)."""
    with open(path, "rb") as log:
        log.seek(since)
        lines = log.read().decode(errors="replace").splitlines()
    return [line for line in lines if " ERROR " in line or " CRITICAL " in line]
