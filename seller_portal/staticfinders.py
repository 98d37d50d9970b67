"""Serve plotly.min.js from the installed plotly package as static/vendor/plotly.min.js.

No CDN: the portal works offline and the bundle always matches the Python package.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "vendor/plotly.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.package_data = Path(plotly.__file__).parent / "package_data"
        self.storage = FileSystemStorage(location=str(self.package_data))
        self.storage.prefix = "vendor"

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == PLOTLY_STATIC_PATH:
            match = str(self.package_data / "plotly.min.js")
            return [match] if find_all else match
        return []

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
