"""Input/output: readers, validators, schemas, error reporting and safe (atomic) outputs."""

from soilsink.io.atomic import (
    atomic_dir,
    atomic_path,
    atomic_write,
    check_output,
    check_output_dir,
    output_dir,
)
from soilsink.io.errors import InputError, OutputError, Problem

__all__ = ["InputError", "OutputError", "Problem", "atomic_dir", "atomic_path", "atomic_write",
           "check_output", "check_output_dir", "output_dir"]
