"""``python -m soilsink`` runs the CLI."""

from soilsink.cli import main

if __name__ == "__main__":
    main()
