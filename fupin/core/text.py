"""Normalising free text typed by people or copied from other systems.

Text pasted from web pages and chat apps often carries zero-width characters: invisible on
screen, yet they make 张三 and 张\u200b三 two different names and an ID number invalid.
Every place that normalises text removes them; messages that quote a value show any
invisible character that remains as its code point, so the user can see it is there.
"""

import re
import unicodedata

# Zero-width space, non-joiner and joiner, word joiner and the byte-order mark (which
# Excel and Notepad leave at the start of a cell or a file).
ZERO_WIDTH_PATTERN = "[\u200b\u200c\u200d\u2060\ufeff]"
_ZERO_WIDTH = re.compile(ZERO_WIDTH_PATTERN)


def clean_text(value: str) -> str:
    """NFKC (full-width → ASCII), drop zero-width characters, strip surrounding spaces.

    Interior spaces are kept as they are, so a stored value reads back unchanged.
    """
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", value)).strip()


def show_invisible(value: str) -> str:
    """Return `value` with each invisible character written as its code point (U+200B)."""
    return "".join(
        f"U+{ord(character):04X}" if _is_invisible(character) else character for character in value
    )


def _is_invisible(character: str) -> bool:
    # Cf: format characters (zero-width, direction marks); Cc: control characters.
    return unicodedata.category(character) in {"Cf", "Cc"} and character not in "\t\n"


# A person's name as an ID card prints it: Chinese characters (with the extensions rare
# names need), the middle dot of minority names in its several typed forms, and Latin
# letters and spaces for names registered in them. Nothing else: no digits, no markup.
_PERSON_NAME = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
    r"\u00b7\u2022\u2027\u30fb\uff65A-Za-z ]{1,50}"
)
_NAME_LETTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134fA-Za-z]")


def is_person_name(value: str) -> bool:
    """Whether `value` (already cleaned) can be a person's name."""
    return bool(_PERSON_NAME.fullmatch(value) and _NAME_LETTER.search(value))
