"""The errors the core raises.

Every error meant for a user derives from :class:`NewsqaError`; its message is a
complete sentence that says what went wrong and, where there is one, what to do.
The front ends (CLI, Discord) turn these into one-line messages; anything else
is a bug and is logged with its traceback.
"""


class NewsqaError(Exception):
    """Base class for errors a user can act on."""


class LoadError(NewsqaError):
    """An input file or record could not be read as an article."""


class ModelMismatchError(NewsqaError):
    """The index was built with another embedding model or dimension."""


class IndexBusyError(NewsqaError):
    """Another process is writing to the same index."""


class IndexNotReadyError(NewsqaError):
    """The index, made by an earlier version, needs an indexing run before it can answer."""


class StoreUnavailableError(NewsqaError):
    """The vector store cannot be reached or opened."""


class FetchError(LoadError):
    """A feed or page could not be fetched over HTTP."""


class SourcesError(NewsqaError):
    """The sources file is missing or not valid."""
