"""Plain text files: decoded by :func:`coopstats.text.decode`, unchanged."""

from __future__ import annotations

from os import PathLike

from coopstats.readers import Block, ReadDocument

__all__ = ["read"]


def read(
    data: bytes,
    *,
    path: str | PathLike[str] | None = None,
    encoding: str = "auto",
    encoding_errors: str = "strict",
) -> ReadDocument:
    """Read a text file: the decoded text as it is, one paragraph block per non-blank line.

    ``encoding_errors`` as :func:`coopstats.text.decode`; the offsets of
    replaced bytes are kept in :attr:`~coopstats.readers.ReadDocument.replaced`.

    Examples
    --------
    >>> doc = read("一、总体要求\\n\\n1.加快协商。".encode("utf-8"))
    >>> doc.format, [(b.start, b.end) for b in doc.blocks]
    ('text', [(0, 6), (8, 15)])
    """
    from coopstats.text import decode

    decoded = decode(data, encoding=encoding, path=path, encoding_errors=encoding_errors)
    return ReadDocument(
        decoded.text,
        "text",
        decoded.encoding,
        line_blocks(decoded.text),
        replaced=decoded.replaced,
        encoding_guessed=decoded.guessed,
    )


def line_blocks(text: str) -> tuple[Block, ...]:
    """One paragraph block per non-blank line of ``text``.

    Examples
    --------
    >>> [(b.start, b.end) for b in line_blocks("a\\n \\nbc")]
    [(0, 1), (4, 6)]
    """
    blocks = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            blocks.append(Block("paragraph", start, end))
        start = end + 1
    return tuple(blocks)
