import pytest

from regulars.errors import SourceError
from regulars.ingest import inspect_source
from regulars.ingest._source import dedupe_names, sniff_delimiter


def test_missing_path(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        inspect_source(tmp_path / "nope.csv")


def test_folder(tmp_path):
    with pytest.raises(SourceError, match="is a folder"):
        inspect_source(tmp_path)


def test_empty_file(write):
    with pytest.raises(SourceError, match="the file is empty"):
        inspect_source(write("e.csv", ""))


def test_binary_garbage(write):
    with pytest.raises(SourceError, match="does not look like a text file"):
        inspect_source(write("g.csv", bytes(range(256)) * 40))


def test_truncated_gzip(write, tmp_path):
    path = write("t.csv.gz", "a,b\n" + "1,2\n" * 1000)
    (tmp_path / "cut.csv.gz").write_bytes(path.read_bytes()[:30])
    with pytest.raises(SourceError, match="cannot be read"):
        inspect_source(tmp_path / "cut.csv.gz")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n4;5;6\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ('a,b\n"x;y;z",2\n', ","),
        (" id  date  n\n 001 19970101 1\n 002 19970102 2\n", "whitespace"),
    ],
)
def test_delimiter_sniffing(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_encodings(write):
    assert inspect_source(write("u.csv", "name\nJosé\n")).encoding == "utf-8"
    assert inspect_source(write("l.csv", "name\nJosé\n", encoding="latin-1")).encoding == "cp1252"  # Windows-1252: Latin-1 and more
    assert inspect_source(write("b.csv", "\ufeffname\nJosé\n")).encoding == "utf-8"
    assert inspect_source(write("w.csv", "name\nJosé\n", encoding="utf-16")).encoding == "utf-16"


def test_gzip_hash_is_of_the_content(write):
    plain = inspect_source(write("p.csv", "a\n1\n"))
    packed = inspect_source(write("p.csv.gz", "a\n1\n"))
    assert packed.compressed and not plain.compressed
    assert plain.content_hash == packed.content_hash


def test_header_names_are_made_unique():
    assert dedupe_names(["Total", "total", "", " x "]) == ["Total", "total_2", "column_3", "x"]
