"""Licence check of `make lint`: every addon's licence is compatible with the licences
of the addons it depends on, directly or not (manifestoo check-licenses --transitive).

Odoo's addons and OCA's partner_firstname are found where Odoo finds them: through the
suite's virtualenv (its `odoo.addons.__path__`), which `make lint` sets up first.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    venv = Path(os.environ.get("VENV", ROOT / ".venv"))
    python = venv / "bin" / "python"
    if not python.exists():
        sys.exit(f"{python} not found: run `make setup` (or `make lint`) first")
    cmd = [
        "manifestoo",
        "--addons-path-python",
        str(python),
        "--select-addons-dir",
        str(ROOT),
        "check-licenses",
        "--transitive",
    ]
    result = subprocess.run(cmd, check=False, capture_output=True, text=True)
    # manifestoo prints one line per offending addon and exits 1; "not found" is a
    # set-up problem (a dependency missing from the addons path), never a pass
    output = (result.stdout + result.stderr).strip()
    if output:
        print(output)
    if "not found" in output:
        return 1
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
