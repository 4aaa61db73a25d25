"""What expat is never given, whatever the workbook (SPEC §10, issue 21's hostile variants). Pure.

expat holds a whole start tag before it calls us, attributes included, and keeps a stack of every
element still open: one 99 MB attribute cost 300 MB and 50 s of CPU, 30 million nested elements
3.7 GB. So each raw chunk of an XLSX or ODS part is checked before expat reads it (no run of more
than ``MAX_TAG_BYTES`` without a ``>``: no tag, attribute or text longer than that), and the
element handlers count the depth (``MAX_DEPTH``: spreadsheets nest about ten deep) and the
elements of the small parts (``MAX_PART_ELEMENTS``: a workbook lists a few relationships, not
1.8 million). Each is refused as a damaged workbook, with no value quoted.
"""

from __future__ import annotations

from chalicelib.errors import UnreadableFileError

# a cell is refused beyond 1,000 characters and a shared string holds at most 32,767: no
# legitimate run between two ">" comes near 1 MB
MAX_TAG_BYTES = 1 << 20
MAX_DEPTH = 100
MAX_PART_ELEMENTS = 200_000


def hostile(kind: str, what: str) -> UnreadableFileError:
    return UnreadableFileError(
        f"Classeur {kind} endommagé ({what}) : enregistrez-le de nouveau depuis le tableur, "
        "ou envoyez un CSV.",
        code="unreadable_file",
    )


class ChunkGuard:
    """Checks the raw chunks of one XML part, in order, before they are parsed."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.run = 0  # bytes since the last ">"

    def check(self, chunk: bytes) -> None:
        last = chunk.rfind(b">")
        if last < 0:
            self.run += len(chunk)
        else:
            self.run += chunk.find(b">")
            if self.run > MAX_TAG_BYTES:
                raise hostile(self.kind, "balise ou texte démesuré")
            self.run = len(chunk) - last - 1
        if self.run > MAX_TAG_BYTES:
            raise hostile(self.kind, "balise ou texte démesuré")


def too_deep(kind: str) -> UnreadableFileError:
    return hostile(kind, f"plus de {MAX_DEPTH} niveaux d'éléments imbriqués")


def too_many_elements(kind: str) -> UnreadableFileError:
    return hostile(kind, "partie démesurée")
