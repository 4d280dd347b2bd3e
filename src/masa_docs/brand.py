"""The partnership's identity on the covers: its colour and the partners' logos.

Both are optional (``colour`` and ``logos`` in partnership.yaml). A colour is used as the
background of the cover band with white text on it, so white on it must reach 4.5:1 (WCAG 2.2
AA for normal text). A logo is a PNG or JPEG file inside the content folder, at most
:data:`MAX_LOGO_BYTES` and :data:`MAX_LOGO_PIXELS` on its longer side, with alt text; it is
embedded in the HTML and PDF as a ``data:`` URL (WeasyPrint fetches nothing else) and in the
Word copies as a picture with the alt text.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .load import LoadedContent
    from .model.content import Content, Problem

__all__ = [
    "DEFAULT_COLOUR",
    "BrandLogo",
    "brand_context",
    "check_brand",
    "contrast_ratio",
]

DEFAULT_COLOUR = "#1d4f91"  # the house blue (8.1:1 with white)
MAX_LOGO_BYTES = 1_000_000
MAX_LOGO_PIXELS = 4000
MIN_LOGO_PIXELS = 32
_FORMATS = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _luminance(colour: str) -> float:
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two #RRGGBB colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mime(data: bytes) -> str | None:
    return next((mime for magic, mime in _FORMATS.items() if data.startswith(magic)), None)


def _inside(root: Path, name: str) -> Path | None:
    """The file ``name`` inside ``root`` (no absolute paths, no way out through .. or links)."""
    if not name or name.startswith(("/", "\\")) or ":" in name:
        return None
    base = root.resolve()
    path = (base / name).resolve()
    return path if path.is_relative_to(base) else None


def check_brand(content: Content, root: Path) -> list[Problem]:
    """Problems with the colour and the logos, located at their fields in partnership.yaml."""
    from .model.content import Problem

    p = content.partnership
    out: list[Problem] = []
    if p.colour is not None:
        ratio = contrast_ratio(p.colour, "#ffffff")
        if ratio < 4.5:
            out.append(
                Problem(
                    ("partnership", "colour"),
                    f"white text on {p.colour} has a contrast of {ratio:.1f}:1; WCAG AA needs 4.5:1",
                    "choose a darker shade of the colour (the covers put white text on it)",
                )
            )
    for i, logo in enumerate(p.logos):
        loc = ("partnership", "logos", i, "file")
        path = _inside(root, logo.file)
        if path is None:
            out.append(
                Problem(loc, "a logo must be a file inside the content folder", "e.g. logos/council.png")
            )
            continue
        if not path.is_file():
            out.append(
                Problem(loc, f"logo file not found: {logo.file}", "put the file in the content folder")
            )
            continue
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            out.append(
                Problem(
                    loc,
                    f"the logo is {size:,} bytes; at most {MAX_LOGO_BYTES:,} are allowed",
                    "save a smaller version (a cover logo needs about 600 pixels across)",
                )
            )
            continue
        data = path.read_bytes()
        if _mime(data) is None:
            out.append(Problem(loc, "a logo must be a PNG or JPEG file", "save the logo as PNG"))
            continue
        try:
            width, height = _pixels(data)
        except (OSError, ValueError) as exc:
            out.append(Problem(loc, f"the logo cannot be read as an image: {exc}", "save it again as PNG"))
            continue
        if max(width, height) > MAX_LOGO_PIXELS or min(width, height) < MIN_LOGO_PIXELS:
            out.append(
                Problem(
                    loc,
                    f"the logo is {width}×{height} pixels; it must be between {MIN_LOGO_PIXELS} and "
                    f"{MAX_LOGO_PIXELS} pixels on each side",
                    "save it at about 600 pixels across",
                )
            )
    return out


def _pixels(data: bytes) -> tuple[int, int]:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.verify()
        return image.size


@dataclass(frozen=True)
class BrandLogo:
    alt: str
    mime: str
    data: bytes
    width: int
    height: int

    @property
    def data_url(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Brand:
    colour: str
    given: bool  # the content chose the colour
    logos: tuple[BrandLogo, ...]


def brand_context(loaded: LoadedContent) -> Brand:
    """The colour (the house blue when none is given) and the logos, read from the content
    folder (already checked by :func:`check_brand` when the content was loaded)."""
    p = loaded.content.partnership
    root = loaded.source.root
    logos: list[BrandLogo] = []
    for logo in p.logos:
        path = _inside(root, logo.file)
        if path is None or not path.is_file():
            continue
        data = path.read_bytes()
        mime = _mime(data)
        if mime is None:
            continue
        width, height = _pixels(data)
        logos.append(BrandLogo(logo.alt, mime, data, width, height))
    return Brand(p.colour or DEFAULT_COLOUR, p.colour is not None, tuple(logos))
