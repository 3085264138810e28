"""The report's one typography (sizes in 号, font chains per system) and what ``jixiao check``
says of the fonts on this machine."""

from jixiao import fonts


def test_sizes_are_the_official_hao():
    assert fonts.HAO["小四"] == 12 and fonts.HAO["三号"] == 16 and fonts.HAO["五号"] == 10.5
    meta = fonts.metadata()
    assert meta["type-sizes"]["body"] == "12" and meta["type-sizes"]["heading1"] == "16"
    assert meta["type-sizes"]["table"] == "10.5" and meta["line-pitch"] == "22"


def test_each_role_has_a_chain_for_every_system():
    for role, chains in fonts.FALLBACKS.items():
        assert set(chains) == {"Windows", "macOS", "Linux"}, role
    assert fonts.WORD_NAMES["仿宋"][0] == "仿宋_GB2312" and fonts.WORD_NAMES["latin"][0] == "Times New Roman"
    stack = fonts.css_stack("仿宋")
    assert stack.startswith('"仿宋_GB2312", "FangSong", "STFangsong"') and stack.endswith(", serif")
    assert fonts.css_stack("黑体").endswith(", sans-serif")


def test_check_names_the_fonts_of_each_format():
    lines = fonts.describe()
    assert [line.split("：")[0] for line in lines] == ["字体（PDF，本机嵌入）", "字体（Word）", "字体（HTML）"]
    body = fonts.serif()
    assert body is None or f"正文和表格 {body[0]}" in lines[0]
    assert "仿宋_GB2312、黑体、楷体_GB2312、Times New Roman" in lines[1]


def test_kaiti_falls_back_to_the_heading_face(monkeypatch):
    monkeypatch.setattr(fonts, "KAI", {"no-such-kai.ttf": "Nothing"})
    assert fonts.kai() == fonts.sans()
