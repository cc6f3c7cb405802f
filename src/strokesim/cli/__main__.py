"""``python -m strokesim.cli``: the same as the ``strokesim`` console script."""

from strokesim.cli import main

if __name__ == "__main__":
    main()
