"""The static files' storage when DEBUG is off: WhiteNoise's compressed manifest storage, each
file's address worked out once per process."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The manifest is read when the storage is made and a file's hashed name does not change
    while the process runs, so each `{% static %}` address is kept after its first use: the
    layout of every page asks for eight, each a manifest lookup, a URL join and a quote (about
    0.1 ms a page). A name missing from the manifest is refused every time, never kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        key = (name, force)
        url = self._urls.get(key)
        if url is None:
            url = self._urls[key] = super().url(name, force)
        return url
