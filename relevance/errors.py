"""The one error type users see: a message that names the problem and the fix."""


class RelevanceError(Exception):
    """A user-facing problem (bad input, missing labels, wrong model file).

    The CLI prints ``Error: <message>`` on stderr and exits 1, without a traceback.
    The message should name what is wrong and what to do about it.
    """


class ExportError(RelevanceError):
    """An export file that cannot be read."""


class LabelsError(RelevanceError):
    """A labels file that cannot be read or written."""


class ModelError(RelevanceError):
    """A model bundle that cannot be trained, loaded or used."""


class EmbedderError(RelevanceError):
    """An embedding model that is not available or not usable."""
