"""soilsink: soil organic carbon sink accounting.

Layers (data flows one way, lower layers never import higher ones)::

    io -> stocks -> stable, threshold -> models -> accounting -> spatial -> report -> cli

See ``docs/architecture.md``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("soilsink")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0+src"

__all__ = ["__version__"]
