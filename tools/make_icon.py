"""Draws the suite's Apps icons, one family: python tools/make_icon.py [ADDON ...]

Every icon is the same purple tile with the same white person; a teal badge at the
bottom right tells the addons apart (a checklist: access-right templates, arrows: the
portal/internal switch, a padlock: per-field access). Writes
static/description/icon.png.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SCALE = 4  # drawn 4x larger, then reduced: smooth edges without anti-aliasing support
SIZE = 256
PURPLE = (113, 75, 103, 255)  # Odoo's brand purple
TEAL = (1, 126, 132, 255)
WHITE = (255, 255, 255, 255)


def _s(*values):
    return [v * SCALE for v in values]


def _person(draw):
    draw.ellipse(_s(58, 44, 138, 124), fill=WHITE)  # head
    draw.rounded_rectangle(_s(34, 134, 162, 214), radius=40 * SCALE, fill=WHITE)
    draw.rectangle(_s(34, 190, 162, 214), fill=WHITE)  # flat bottom of the shoulders


def _badge(draw):
    draw.ellipse(
        _s(128, 128, 232, 232), fill=PURPLE
    )  # a ring separating badge and person
    draw.ellipse(_s(138, 138, 222, 222), fill=TEAL)


def _checklist(draw):
    for y in (158, 180, 202):
        draw.line(_s(154, y, 162, y + 6, 174, y - 6), fill=WHITE, width=5 * SCALE)
        draw.line(_s(182, y, 206, y), fill=WHITE, width=5 * SCALE)


def _arrows(draw):
    draw.line(_s(156, 166, 196, 166), fill=WHITE, width=7 * SCALE)
    draw.polygon(_s(192, 154, 210, 166, 192, 178), fill=WHITE)
    draw.line(_s(168, 194, 206, 194), fill=WHITE, width=7 * SCALE)
    draw.polygon(_s(172, 182, 152, 194, 172, 206), fill=WHITE)


def _padlock(draw):
    draw.arc(_s(164, 148, 196, 184), 180, 360, fill=WHITE, width=7 * SCALE)
    draw.line(_s(167, 166, 167, 178), fill=WHITE, width=7 * SCALE)
    draw.line(_s(193, 166, 193, 178), fill=WHITE, width=7 * SCALE)
    draw.rounded_rectangle(_s(156, 174, 204, 208), radius=6 * SCALE, fill=WHITE)
    draw.ellipse(_s(175, 184, 185, 194), fill=TEAL)


GLYPHS = {
    "access_right_template": _checklist,
    "user_dynamic_management": _arrows,
    "portal_field_access": _padlock,
}


def draw_icon(addon):
    img = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle(_s(8, 8, SIZE - 8, SIZE - 8), radius=48 * SCALE, fill=PURPLE)
    _person(draw)
    _badge(draw)
    GLYPHS[addon](draw)
    path = ROOT / addon / "static" / "description" / "icon.png"
    img.resize((SIZE, SIZE), Image.LANCZOS).save(path, optimize=True)
    return path


if __name__ == "__main__":
    for name in sys.argv[1:] or GLYPHS:
        print(draw_icon(name))
