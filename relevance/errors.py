"""The one error type users see: a message that names the problem and the fix."""

from relevance.text import printable


class RelevanceError(Exception):
    """A user-facing problem (bad input, missing labels, wrong model file).

    The CLI prints ``Error: <message>`` on stderr and exits 1, without a traceback.
    The message should name what is wrong and what to do about it. It is kept to one printable line (see
    `relevance.text.printable`): parts of it may come from a file or a path, and it is shown on a terminal.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(printable(arg) if isinstance(arg, str) else arg for arg in args))


class ExportError(RelevanceError):
    """An export file that cannot be read."""


class LabelsError(RelevanceError):
    """A labels file that cannot be read or written."""


class ModelError(RelevanceError):
    """A model bundle that cannot be trained, loaded or used."""


class EmbedderError(RelevanceError):
    """An embedding model that is not available or not usable."""
