"""What the Apps menu and OCA tooling expect from every addon of the suite."""

import ast
import importlib.metadata
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ["access_right_template", "user_dynamic_management", "portal_field_access"]
README_FRAGMENTS = ["DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"]
# partner_firstname (OCA) is AGPL-3, so is what depends on it; the others depend on
# LGPL-3 Odoo core addons only
LICENSES = {
    "access_right_template": "LGPL-3",
    "user_dynamic_management": "LGPL-3",
    "portal_field_access": "AGPL-3",
}
# what an administrator finds with the Apps menu's default "Apps" filter
APPLICATIONS = {
    "access_right_template",
    "user_dynamic_management",
    "portal_field_access",
}


def manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    man = manifest(addon)
    assert re.fullmatch(r"17\.0\.\d+\.\d+\.\d+", man["version"]), man["version"]
    assert man["license"] == LICENSES[addon]
    for key in ("name", "summary", "category", "author", "website", "depends"):
        assert man.get(key), f"{addon}: manifest key {key!r} missing"
    assert "description" not in man, "use readme/DESCRIPTION.md"
    assert man.get("installable", True)
    for data_file in man.get("data", []) + man.get("demo", []):
        assert (ROOT / addon / data_file).is_file(), f"{addon}: missing {data_file}"
    # security first, views last
    kinds = [f.split("/")[0] for f in man.get("data", [])]
    order = {"security": 0, "data": 1, "views": 2, "wizard": 3}
    ranks = [order.get(k, 1) for k in kinds]
    assert ranks == sorted(ranks), f"{addon}: data files not ordered {kinds}"


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_metadata(addon):
    man = manifest(addon)
    assert man.get("application", False) == (addon in APPLICATIONS)
    assert man["maintainers"] and all(isinstance(m, str) for m in man["maintainers"])
    assert man["development_status"] in ("Alpha", "Beta", "Production/Stable", "Mature")
    assert man["website"].startswith("https://") and man["website"].endswith(addon)
    for image in man.get("images", []):
        path = ROOT / addon / image
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{addon}: {image}"
    # distribution names (pip install NAME), which Odoo checks first
    for dist in man.get("external_dependencies", {}).get("python", []):
        assert importlib.metadata.distribution(dist), f"{addon}: {dist}"


def test_one_category():
    categories = {manifest(addon)["category"] for addon in ADDONS}
    assert len(categories) == 1, categories


@pytest.mark.parametrize("addon", ADDONS)
def test_apps_page_and_readme(addon):
    icon = ROOT / addon / "static" / "description" / "icon.png"
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "icon.png is not a PNG"
    raw = (ROOT / addon / "static" / "description" / "index.html").read_bytes()
    # Odoo 17 deprecates XML declarations and non-UTF-8 in module descriptions
    assert not raw.startswith(b"<?xml"), "index.html starts with an XML declaration"
    index = raw.decode("utf-8")
    assert len(index) > 300 and "<" in index
    for src in re.findall(r'<img[^>]* src="([^"]+)"', index):
        if "//" not in src:  # Odoo serves relative images from static/description
            assert (ROOT / addon / "static" / "description" / src).is_file(), src
    assert (ROOT / addon / "README.rst").is_file(), "run `make readme`"
    for fragment in README_FRAGMENTS:
        text = (ROOT / addon / "readme" / fragment).read_text().strip()
        assert len(text) > 20, f"{addon}: readme/{fragment} is empty"


@pytest.mark.parametrize("addon", ADDONS)
def test_pot_file(addon):
    pot = polib.pofile(str(ROOT / addon / "i18n" / f"{addon}.pot"))
    assert len(pot) > 5
    assert all(not entry.msgstr for entry in pot)


FORBIDDEN = [
    (r"\battrs\s*=", "attrs= was removed in Odoo 17"),
    (r"\(\s*6\s*,\s*0\s*,", "use Command.set()"),
    (r"\bcr\.commit\(\)", "no explicit commit in addon code"),
    (r"date\.today\(\)", "use fields.Date.context_today()"),
    (r"except\s*:\s*pass", "never swallow exceptions"),
    (r"//\w+\[\d+\]", "no positional xpath"),
]


@pytest.mark.parametrize("addon", ADDONS)
def test_no_forbidden_idioms(addon):
    offenders = []
    for path in (ROOT / addon).rglob("*"):
        if path.suffix not in (".py", ".xml") or "tests" in path.parts:
            continue
        text = path.read_text()
        for pattern, why in FORBIDDEN:
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {why}")
    assert not offenders, "\n".join(offenders)
