"""QR codes for notice boards, as inline SVG (prints sharply, no image files).

The monitoring app has the same three lines; finance is its sibling and may not import
it (ARCHITECTURE §2), and the code is too small to move into core for one caller more."""

import segno


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`, error correction M (survives a weathered board)."""
    return str(segno.make(url, error="m", micro=False).svg_inline(scale=4, title=url))
