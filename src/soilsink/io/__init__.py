"""Input/output: readers, validators, schemas, error reporting and atomic writes."""

from soilsink.io.atomic import atomic_dir, atomic_write
from soilsink.io.errors import InputError, Problem

__all__ = ["InputError", "Problem", "atomic_dir", "atomic_write"]
