"""Draws an addon's Apps icon: python tools/make_icon.py ADDON GLYPH COLOR"""

import sys

from PIL import Image, ImageDraw, ImageFont


def main(addon, glyph, color):
    size = 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((8, 8, size - 8, size - 8), radius=48, fill=color)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 120)
    except OSError:
        font = ImageFont.load_default()
    box = draw.textbbox((0, 0), glyph, font=font)
    pos = (
        (size - (box[2] - box[0])) / 2 - box[0],
        (size - (box[3] - box[1])) / 2 - box[1],
    )
    draw.text(pos, glyph, font=font, fill="white")
    img.resize((128, 128), Image.LANCZOS).save(f"{addon}/static/description/icon.png")


if __name__ == "__main__":
    main(*sys.argv[1:])
