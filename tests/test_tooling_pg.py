"""tools/pg.sh on a checkout the cluster's OS user cannot enter (`mktemp -d`).

As root, the private cluster of such a checkout lives outside it (/var/tmp/...) and
`.local/pgdata` is a link to it. `stop` must stop that cluster: `make run` and
`make test` rely on it to leave no PostgreSQL running behind them.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postmaster_alive(data_dir):
    pid_file = Path(data_dir) / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().splitlines()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def private_checkout():
    """A copy of tools/ in a mode-0700 temporary directory, as `mktemp -d` makes it."""
    tmp = Path(tempfile.mkdtemp(prefix="suite-pg-"))
    repo = tmp / "repo"
    shutil.copytree(ROOT / "tools", repo / "tools")
    (repo / ".local").mkdir()
    # pg.sh start writes odoo.conf from what tools/setup.sh found; any path does here
    (repo / ".local" / "odoo.env").write_text(
        "ODOO_SRC=/nonexistent\nODOO_BIN=/nonexistent/odoo-bin\n"
        "ODOO_ADDONS_PATH=/nonexistent\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PG") and k not in ("LOCAL_DIR", "SUITE_ADDONS")
    }
    env["PG_PORT"] = str(_free_port())
    yield repo, env
    subprocess.run([repo / "tools" / "pg.sh", "destroy"], env=env, check=False)
    shutil.rmtree(tmp, ignore_errors=True)


def test_stop_through_a_link_outside_the_checkout(private_checkout):
    repo, env = private_checkout
    pg = repo / "tools" / "pg.sh"
    out = subprocess.run(
        [pg, "start"], env=env, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "started", out.stderr
    link = repo / ".local" / "pgdata"
    data = Path(os.path.realpath(link))
    if os.geteuid() == 0:
        # the case of this test: the cluster runs as `postgres`, outside the checkout
        assert link.is_symlink(), "the data of a private checkout must be kept outside"
        assert not str(data).startswith(str(repo))
    assert _postmaster_alive(data)
    status = subprocess.run([pg, "status"], env=env, capture_output=True, text=True)
    assert (status.returncode, status.stdout.strip()) == (0, "running"), status.stderr

    # a second start reuses the running cluster and says it did not start it
    again = subprocess.run(
        [pg, "start"], env=env, check=True, capture_output=True, text=True
    )
    assert again.stdout.strip() == ""

    subprocess.run([pg, "stop"], env=env, check=True, capture_output=True)
    deadline = time.time() + 10
    while _postmaster_alive(data) and time.time() < deadline:
        time.sleep(0.2)
    assert not _postmaster_alive(data), "pg.sh stop left PostgreSQL running"
    status = subprocess.run([pg, "status"], env=env, capture_output=True, text=True)
    assert (status.returncode, status.stdout.strip()) == (3, "stopped")

    subprocess.run([pg, "destroy"], env=env, check=True, capture_output=True)
    assert not link.exists() and not link.is_symlink()
    assert not data.exists(), "destroy must remove the data kept outside"
