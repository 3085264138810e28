"""Errors the CLI turns into exit codes and Chinese messages, never tracebacks."""


class JixiaoError(Exception):
    """Base class; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class InputError(JixiaoError):
    """The parameter file or a data table is wrong: the analyst must fix it (exit 1)."""

    exit_code = 1


class RunFailure(JixiaoError):
    """Executing a notebook or rendering failed (exit 2)."""

    exit_code = 2
