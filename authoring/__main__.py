"""`python -m authoring`: the same as the `authoring` command."""

from authoring.cli.main import main

# Guarded: worker processes started with `forkserver` or `spawn` (the index's pool, when the UI's
# threads are running) import this module as `__mp_main__`, and must not run the command again.
if __name__ == "__main__":
    main()
