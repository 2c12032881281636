"""``python -m protege`` runs the command-line interface."""

from protege.cli import main

if __name__ == "__main__":
    main()
