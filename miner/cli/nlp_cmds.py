"""CLI commands of this stage (filled in by the stage's issue)."""


def register(main):
    pass
