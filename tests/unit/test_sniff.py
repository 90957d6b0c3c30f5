"""First-bytes checks on malformed input."""

import gzip

import pytest

from app.core import errors, sniff


@pytest.mark.parametrize("head, error", [
    (b"", errors.EmptyFileError),
    (b"PK\x03\x04\x14\x00\x06\x00", errors.BinaryFileError),
    (b"PAR1\x15\x04", errors.BinaryFileError),
    (b"SQLite format 3\x00\x10\x00", errors.BinaryFileError),
    (gzip.compress(b"a,b\n1,2\n"), errors.BinaryFileError),
    (bytes(range(256)) * 4, errors.BinaryFileError),
    (b"a,b\x00\n1,2", errors.BinaryFileError),
])
def test_unreadable_heads_are_rejected(head, error):
    with pytest.raises(error) as raised:
        sniff.check_text_sample("x.csv", head)
    assert "'x.csv'" in str(raised.value)


@pytest.mark.parametrize("head", [
    b"a,b\n1,2\n", "naïve;café\n1;2\n".encode("utf-8"), "naïve\n".encode("latin-1"),
    b"\xef\xbb\xbfa,b\n", "a,b\n".encode("utf-16"), b"a\tb\r\n1\t2\r\n",
])
def test_text_heads_pass(head):
    sniff.check_text_sample("x.csv", head)


@pytest.mark.parametrize("text", ["", "   \n\t", "a,b\x00\n"])
def test_unreadable_text_is_rejected(text):
    with pytest.raises(errors.OpenError):
        sniff.check_text("x.csv", text)
