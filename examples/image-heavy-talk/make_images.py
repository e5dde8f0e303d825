"""Draw the example's pictures with Pillow (photos as JPEG, diagrams as PNG), so the repository
holds no binary of unknown origin: `python examples/image-heavy-talk/make_images.py`."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent / "content" / "images"


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / max(1, height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return image


def _grain(image: Image.Image, seed: int, amount: int = 18) -> Image.Image:
    """Film grain, so the JPEG looks and compresses like a photograph."""
    rng = random.Random(seed)
    noise = Image.new("L", image.size)
    noise.putdata([128 + rng.randint(-amount, amount) for _ in range(image.width * image.height)])
    noise = noise.filter(ImageFilter.GaussianBlur(0.6)).convert("RGB")
    return Image.blend(image, noise, 0.12)


def harbour() -> None:
    """A landscape photo: sky, sea, hills and boats at dusk."""
    image = _gradient((1200, 800), (250, 190, 140), (120, 150, 190))
    draw = ImageDraw.Draw(image)
    draw.ellipse((780, 250, 900, 370), fill=(255, 230, 170))
    draw.polygon([(0, 470), (260, 330), (520, 450), (760, 360), (1200, 480), (1200, 520), (0, 520)], fill=(70, 90, 110))
    sea = _gradient((1200, 280), (60, 100, 140), (20, 40, 70))
    image.paste(sea, (0, 520))
    for x, y, w in ((180, 590, 140), (560, 640, 190), (930, 610, 120)):
        draw.polygon([(x, y), (x + w, y), (x + w - 25, y + 28), (x + 20, y + 28)], fill=(35, 30, 30))
        draw.line([(x + w // 2, y), (x + w // 2, y - 110)], fill=(35, 30, 30), width=5)
        draw.polygon([(x + w // 2 + 4, y - 105), (x + w // 2 + 4, y - 10), (x + w - 10, y - 10)], fill=(240, 235, 225))
    _grain(image.filter(ImageFilter.GaussianBlur(1.2)), 1).save(HERE / "harbour.jpg", quality=82)


def workshop() -> None:
    """A portrait photo: a wall of sticky notes in a room."""
    image = _gradient((800, 1100), (222, 214, 200), (170, 160, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 120, 720, 760), fill=(245, 245, 240), outline=(120, 110, 100), width=6)
    rng = random.Random(7)
    colours = [(255, 230, 90), (255, 170, 190), (150, 210, 255), (170, 235, 160)]
    for row in range(5):
        for col in range(5):
            x, y = 115 + col * 120 + rng.randint(-8, 8), 150 + row * 120 + rng.randint(-8, 8)
            draw.rectangle((x, y, x + 90, y + 90), fill=rng.choice(colours))
            for line in range(3):
                draw.line([(x + 12, y + 25 + line * 20), (x + 75 - rng.randint(0, 25), y + 25 + line * 20)], fill=(60, 60, 70), width=3)
    draw.rectangle((0, 900, 800, 1100), fill=(120, 95, 70))
    for x in (150, 420, 650):
        draw.ellipse((x - 60, 780, x + 60, 900), fill=(60, 50, 45))
        draw.rectangle((x - 75, 880, x + 75, 1060), fill=(70, 80, 110))
    _grain(image.filter(ImageFilter.GaussianBlur(1.0)), 2).save(HERE / "workshop.jpg", quality=82)


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def loop_diagram() -> None:
    """A diagram: four boxes in a loop, with arrows and labels."""
    image = Image.new("RGB", (1200, 760), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    boxes = {"Plan": (100, 80), "Run": (700, 80), "Reflect": (700, 480), "Adjust": (100, 480)}
    for label, (x, y) in boxes.items():
        draw.rounded_rectangle((x, y, x + 400, y + 200), radius=28, fill=(15, 92, 110))
        draw.text((x + 200, y + 100), label, fill=(255, 255, 255), font=_font(64), anchor="mm")
    for (x1, y1), (x2, y2) in (((505, 180), (690, 180)), ((900, 285), (900, 470)), ((690, 580), (505, 580)), ((300, 470), (300, 285))):
        draw.line([(x1, y1), (x2, y2)], fill=(194, 84, 45), width=12)
        dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
        tip = [(x2, y2), (x2 - 30 * dx - 18 * dy, y2 - 30 * dy - 18 * dx), (x2 - 30 * dx + 18 * dy, y2 - 30 * dy + 18 * dx)]
        draw.polygon(tip, fill=(194, 84, 45))
    image.save(HERE / "loop.png", optimize=True)


def timeline() -> None:
    """A wide figure (4:1): a year of retrospectives as a timeline."""
    image = Image.new("RGB", (2400, 600), (247, 244, 238))
    draw = ImageDraw.Draw(image)
    draw.line([(120, 330), (2280, 330)], fill=(40, 50, 60), width=8)
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    rng = random.Random(3)
    for index, month in enumerate(months):
        x = 160 + index * 180
        height = rng.randint(60, 220)
        draw.rectangle((x - 40, 330 - height, x + 40, 330), fill=(15, 92, 110) if index % 3 else (194, 84, 45))
        draw.text((x, 390), month, fill=(40, 50, 60), font=_font(48), anchor="mm")
    draw.text((1200, 520), "Actions done after each retrospective", fill=(90, 100, 110), font=_font(44), anchor="mm")
    image.save(HERE / "timeline-wide.png", optimize=True)


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    harbour()
    workshop()
    loop_diagram()
    timeline()


if __name__ == "__main__":
    main()
