from fupin.core.text import clean_text, show_invisible


def test_clean_text_drops_zero_width_characters_and_keeps_interior_spaces() -> None:
    assert clean_text("\ufeff 张\u200b三\u200d ") == "张三"
    assert clean_text("ＡＢ  张三") == "AB  张三"
    assert clean_text(clean_text("李\u2060四 ")) == "李四"


def test_show_invisible_writes_code_points() -> None:
    assert show_invisible("户主\u200e") == "户主U+200E"
    assert show_invisible("张三") == "张三"
