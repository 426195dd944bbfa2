"""A WSGI input for tests that a body is refused before anything reads it."""

from __future__ import annotations


class UnreadBody:
    """A WSGI input that records any read: a request refused unread leaves `reads` empty."""

    def __init__(self) -> None:
        self.reads: list[int | None] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(size)
        return b""

    readline = read
