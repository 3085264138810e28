"""A papermill engine: every notebook in a fresh, already warm kernel, and MyST ``{eval}`` in
Markdown cells filled at execution.

Registered as ``jixiao`` through the ``papermill.engine`` entry point, and made papermill's
default engine once papermill loads it, so ``papermill nb.ipynb out.ipynb -p params_file …``
fills the Markdown cells' values as ``jixiao run`` does.

- **Fresh kernels, warm.** Each notebook runs in a kernel of its own, so chapters never see
  each other's state (a patched module, a changed setting). The cost of a fresh kernel is hidden
  by ``kernels``: on Linux each is forked from a process that did the report's imports once, and
  spares start while the current notebook runs.
- **Inline values.** A Markdown cell's ``{eval}`expr``` roles are evaluated in the kernel after
  the cells above it, with the Jupyter protocol's ``user_expressions`` (as jupyterlab-myst does),
  and the results kept in the cell's ``user_expressions`` metadata, which jupyterlab-myst and
  MyST-NB read and the stitcher prints. An expression that fails stops the notebook like a
  failing code cell.
- **The project handed over.** ``jixiao run`` validates once and passes the project to the
  engine (``project_file``, a file of its own build folder); the engine loads it into the kernel
  before the notebook's cells. No notebook parameter can name that file.
"""

import functools
import logging
import os
import subprocess
import sys

from ..markup import EVAL
from . import kernels

NAME = "jixiao"

# Run silently in the fresh kernel before the notebook: its working folder, and the project of
# this run when the runner handed one over.
SETUP = """\
import os as _os
_os.chdir({cwd!r})
_os.environ["JIXIAO_NOTEBOOK"] = {notebook!r}
del _os
"""
HANDOVER = """\
import jixiao.pieces.chapter as _chapter
_chapter.hand_over({project!r}, {notebook!r}, {chapter!r})
del _chapter
"""


def expressions(source: str) -> list[str]:
    """The ``{eval}`` expressions of a Markdown cell, in order, each once."""
    return list(dict.fromkeys(m.group(1).strip() for m in EVAL.finditer(source)))


class FreshKernelEngine:
    """The engine papermill looks up; it delegates to papermill's NBClientEngine with a warm
    fresh kernel per notebook. papermill is imported lazily: it loads this module through its
    entry point while importing itself."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        return _engine().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        return _engine().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        return _engine().nb_language(nb, language)


def shutdown() -> None:
    """Stop this process's kernels (the spare included)."""
    kernels.shutdown()


@functools.cache
def _engine():
    from nbclient.util import run_sync
    from papermill.exceptions import PapermillExecutionError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import merge_kwargs, remove_args

    class Client(PapermillNotebookClient):
        """papermill's client: the setup before the cells, ``{eval}`` in Markdown cells."""

        handover: dict | None = None
        notebook_path = ""

        def papermill_execute_cells(self):
            code = SETUP.format(cwd=os.getcwd(), notebook=self.notebook_path)
            if self.handover:
                code += HANDOVER.format(**self.handover)
            reply = self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
            if reply is None or reply["content"]["status"] != "ok":
                content = (reply or {}).get("content", {})
                raise RuntimeError(f"无法准备内核：{content.get('ename', '')} {content.get('evalue', '')}")
            super().papermill_execute_cells()

        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            if cell.cell_type != "markdown":
                return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
            wanted = expressions(cell.source)
            cell.metadata.pop("user_expressions", None)
            if not wanted:
                return cell
            msg_id = self.kc.execute("", silent=True, store_history=False,
                                     user_expressions={str(n): e for n, e in enumerate(wanted)})
            reply = await self.async_wait_for_reply(msg_id, cell)
            results = reply["content"].get("user_expressions", {})
            cell.metadata["user_expressions"] = [{"expression": e, "result": results.get(str(n), {})}
                                                 for n, e in enumerate(wanted)]
            for entry in cell.metadata["user_expressions"]:
                result = entry["result"]
                if result.get("status") != "ok":
                    self.nb_man.save()  # the notebook so far, to open in Jupyter
                    raise PapermillExecutionError(cell_index, 0, cell.source, result.get("ename", "Error"),
                                                  f"{{eval}}`{entry['expression']}`：{result.get('evalue', '')}",
                                                  result.get("traceback", []))
            return cell

        execute_cell = run_sync(async_execute_cell)

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            handover = kwargs.pop("handover", None)
            notebook_path = os.path.abspath(kwargs.get("input_path") or "")
            spares = int(kwargs.pop("spares", 0))
            spare_after = bool(kwargs.pop("spare_after", False))
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            km = kernels.take(kernel_name, 0 if spare_after else spares)
            client = Client(nb_man, km=km, **final)
            client.handover, client.notebook_path = handover, notebook_path
            try:
                # A cold kernel's stderr is ipykernel chatter.
                return client.execute(stderr=subprocess.DEVNULL)
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                kernels.discard(km)
                if spare_after:
                    kernels.prepare(kernel_name, spares)

    return Engine


class _KnownParameters(logging.Filter):
    """``papermill -f params/<项目>.yaml`` passes the parameter file's keys, which the chapters read
    on purpose: papermill's 「Passed unknown parameter」 is noise for those keys only."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ..inputs.params import TOP_LEVEL_KEYS

        message = record.getMessage()
        return not (message.startswith("Passed unknown parameter: ")
                    and message.removeprefix("Passed unknown parameter: ") in TOP_LEVEL_KEYS)


def _readable_translator():
    """papermill's Python translator writing text as Python writes it (中文 stays 中文, not \\u…
    escapes), one parameter-file key per line: the injected cell of ``-f`` can be read."""
    from papermill.translators import PythonTranslator

    class Readable(PythonTranslator):
        @classmethod
        def translate_escaped_str(cls, str_val):
            return repr(str_val) if isinstance(str_val, str) else super().translate_escaped_str(str_val)

    return Readable


def adopt_papermill() -> None:
    """Make this engine papermill's default and quiet ``-f``'s warnings (once papermill is loaded)."""
    engines = sys.modules.get("papermill.engines")
    registry = getattr(engines, "papermill_engines", None)
    if registry is None or getattr(registry, "_jixiao", False):
        return
    registry.register(None, FreshKernelEngine)
    registry._jixiao = True
    logging.getLogger("papermill").addFilter(_KnownParameters())
    from papermill.translators import papermill_translators

    papermill_translators.register("python", _readable_translator())


adopt_papermill()
