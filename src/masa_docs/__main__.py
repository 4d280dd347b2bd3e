"""``python -m masa_docs``: the same as the ``masa-docs`` command."""

from masa_docs.cli import main

if __name__ == "__main__":
    main(prog_name="masa-docs")
