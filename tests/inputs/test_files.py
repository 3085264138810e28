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
