"""QR codes for notice boards, rendered as inline SVG (no image files, prints sharply)."""

import segno


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`, error correction M (survives a weathered board)."""
    return str(segno.make(url, error="m", micro=False).svg_inline(scale=4, title=url))
