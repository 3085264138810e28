import pytest

from jixiao.errors import InputError
from jixiao.inputs.files import read_text_file


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_texts_in_the_encodings_analysts_save_them_in(tmp_path, encoding):
    path = tmp_path / "background.md"
    path.write_bytes("立项背景：为检验工具而设。\n".encode(encoding))
    assert read_text_file(path) == "立项背景：为检验工具而设。\n"


def test_undecodable_text_names_the_file_and_the_encodings(tmp_path):
    path = tmp_path / "background.md"
    path.write_bytes(b"\xff\xfe\x00\xd8\x81\x81\x80")
    with pytest.raises(InputError) as err:
        read_text_file(path)
    assert str(path) in err.value.messages[0] and "UTF-8 或 GBK" in err.value.messages[0]


def test_a_text_over_the_size_limit_is_refused(tmp_path):
    from jixiao import limits

    path = tmp_path / "background.md"
    with open(path, "wb") as f:
        f.truncate(limits.TEXT_BYTES + 1)
    with pytest.raises(InputError) as err:
        read_text_file(path)
    assert "超过上限 2 MB" in err.value.messages[0]


CONTROL = "上海\x01大华\x1b[31m工程\x07造价\x00咨询\x7f有限\x9b公司\x0b第二行\x0c完"


def test_control_characters_are_dropped_from_texts_tables_and_the_parameter_file(tmp_path):
    """Pasted text brings invisible control characters; one in a cover field stopped the run at the
    Word file (「All strings must be XML compatible」, exit 2)."""
    from jixiao.inputs import tables
    from jixiao.inputs.params import read_yaml
    from jixiao.inputs.tables import SPECS, read_table

    shown = "上海大华[31m工程造价咨询有限公司 第二行 完"
    text = tmp_path / "background.md"
    text.write_text(CONTROL, encoding="utf-8")
    assert read_text_file(text) == shown
    params = tmp_path / "p.yaml"
    params.write_text('project: {evaluator: "上海\\x01大华\\e[31m工程\\a造价\\ud800\\uffff"}\n', encoding="utf-8")
    assert read_yaml(params) == {"project": {"evaluator": "上海大华[31m工程造价"}}
    table = tmp_path / "activities.csv"
    table.write_text(f"序号,活动名称\n1,{CONTROL}\n", encoding="utf-8")
    assert read_table(SPECS["activities"], table)[0].name == shown
    assert tables._clean("活动\x01名称\x1f") == "活动名称"  # an Excel cell's value (openpyxl cannot write one)


def test_token_brackets_typed_by_the_analyst_are_plain_brackets(tmp_path):
    """『⟦tbl:x⟧』 in a table cell numbered a table of its own (every later number shifted) and
    『⟦ref:x⟧』 in a value stopped the run at stitching (exit 2): typed, they are 〚〛."""
    from jixiao.inputs.params import read_yaml
    from jixiao.inputs.tables import SPECS, read_table
    from jixiao.markup import DEFINE, REFER

    text = tmp_path / "background.md"
    text.write_text("见⟦tbl:budget_lines⟧与⟦ref:nothing⟧。", encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text('facts: {x: "⟦fig:x⟧"}\n', encoding="utf-8")
    table = tmp_path / "activities.csv"
    table.write_text("序号,活动名称\n1,活动⟦tbl:t⟧\n", encoding="utf-8")
    read = [read_text_file(text), read_yaml(params)["facts"]["x"], read_table(SPECS["activities"], table)[0].name]
    assert read == ["见〚tbl:budget_lines〛与〚ref:nothing〛。", "〚fig:x〛", "活动〚tbl:t〛"]
    assert not any(DEFINE.search(r) or REFER.search(r) for r in read)


# ---------------------------------------------------------------- every input inside its folder

import os  # noqa: E402

from jixiao.inputs.files import check_size, inside, regular_files  # noqa: E402


@pytest.fixture
def folder(tmp_path):
    """A data folder with one text, and a secret file beside it (outside the folder)."""
    data = tmp_path / "data" / "p"
    (data / "texts").mkdir(parents=True)
    (data / "texts" / "background.md").write_text("背景", encoding="utf-8")
    (tmp_path / "secret.md").write_text("SECRET", encoding="utf-8")
    return data


def test_a_file_inside_the_folder_is_read(folder):
    assert inside(folder, " texts/background.md ", "文本文件", "p.yaml texts.background") == folder / "texts" / "background.md"


@pytest.mark.parametrize("name", ["../../secret.md", "texts/../../../secret.md", "/etc/passwd", "../p/../../secret.md"])
def test_paths_leaving_the_folder_are_refused(folder, name):
    with pytest.raises(InputError) as err:
        inside(folder, name, "文本文件", "p.yaml texts.other_matters")
    message = err.value.messages[0]
    assert message.startswith("p.yaml texts.other_matters：") and name in message
    assert "绝对路径" in message or "之外" in message


@pytest.mark.parametrize("target", ["file", "folder-link", "chain"])
def test_symlinks_out_of_the_folder_are_refused(folder, target):
    """A link to a file outside, a linked folder, and a link to a link that leads outside."""
    secret = folder.parent.parent / "secret.md"
    if target == "file":
        (folder / "texts" / "other.md").symlink_to(secret)
        name = "texts/other.md"
    elif target == "folder-link":
        (folder / "outside").symlink_to(folder.parent.parent, target_is_directory=True)
        name = "outside/secret.md"
    else:
        (folder / "texts" / "hop.md").symlink_to(secret)
        (folder / "texts" / "other.md").symlink_to(folder / "texts" / "hop.md")
        name = "texts/other.md"
    with pytest.raises(InputError) as err:
        inside(folder, name, "文本文件", "p.yaml")
    assert "符号链接" in err.value.messages[0] and "SECRET" not in err.value.messages[0]


def test_a_symlink_inside_the_folder_is_followed(folder):
    (folder / "texts" / "alias.md").symlink_to(folder / "texts" / "background.md")
    assert inside(folder, "texts/alias.md", "文本文件", "p.yaml").read_text(encoding="utf-8") == "背景"


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "loop"])
def test_fifos_devices_and_folders_have_their_own_message(folder, kind):
    """Not 「文件不存在」, and never a read that blocks (a FIFO) or never ends (/dev/zero)."""
    path = folder / "texts" / "x.md"
    if kind == "fifo":
        os.mkfifo(path)
        words = "命名管道"
    elif kind == "device":
        (folder / "texts" / "zero").symlink_to("/dev/zero")
        (folder / "texts" / "zero").rename(path)
        words = "设备"
    elif kind == "folder":
        path.mkdir()
        words = "文件夹"
    else:
        path.symlink_to(path)
        words = "循环"
    if kind == "device":  # /dev/zero is outside the folder: that is said first
        with pytest.raises(InputError) as err:
            inside(folder, "texts/x.md", "文本文件", "p.yaml")
        assert "之外" in err.value.messages[0]
        with pytest.raises(InputError) as err:
            check_size(path, 1000, "文本")
    else:
        with pytest.raises(InputError) as err:
            inside(folder, "texts/x.md", "文本文件", "p.yaml")
    assert words in err.value.messages[0] and "不存在" not in err.value.messages[0]


def test_a_missing_file_says_so(folder):
    with pytest.raises(InputError) as err:
        inside(folder, "texts/none.md", "文本文件", "p.yaml")
    assert "文本文件不存在" in err.value.messages[0]


def test_a_folder_is_packed_without_what_leads_out_of_it(folder):
    (folder / "texts" / "other.md").symlink_to(folder.parent.parent / "secret.md")
    os.mkfifo(folder / "pipe")
    (folder / "alias.md").symlink_to(folder / "texts" / "background.md")
    assert [p.relative_to(folder).as_posix() for p in regular_files(folder)] == ["alias.md", "texts/background.md"]


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u061c"])
def test_bidi_controls_never_survive_reading(tmp_path, control):
    path = tmp_path / "t.md"
    path.write_text(f"文件 rlo{control}gpj.exe 见附件", encoding="utf-8")
    assert read_text_file(path) == "文件 rlogpj.exe 见附件"
