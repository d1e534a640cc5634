"""``examples/notebook.ipynb`` runs top to bottom against the sandbox, in a real kernel.

The notebook is executed with nbclient on the ``python3`` kernel (ipykernel). Where no kernel
can be started at all (no ZeroMQ sockets in a locked-down runner), the code cells are run in
order in this process instead, so the example is still checked, just without a kernel
(set ``CUSTOMERS_REQUIRE_KERNEL=1`` to make that a failure instead). The fallback itself is
tested too, so it cannot rot unnoticed.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebook.ipynb"


def _output(output_type: str, **fields: Any) -> Any:
    return nbformat.v4.new_output(output_type, **fields)  # type: ignore[no-untyped-call]


def _code_cells(notebook: Any) -> list[Any]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _text_of(output: Any) -> str:
    if output.output_type == "stream":
        return str(output.text)
    data = output.get("data", {})
    return str(data.get("text/html", "")) + str(data.get("text/plain", ""))


def _run_in_kernel(notebook: Any) -> bool:
    """Execute in a kernel; ``False`` when no kernel could be started (nothing ran)."""
    client = NotebookClient(
        notebook,
        timeout=60,
        startup_timeout=30,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError:
        raise
    except Exception:
        if any(cell.get("execution_count") for cell in _code_cells(notebook)):
            raise  # the kernel started and then failed: that is a real failure
        return False
    return True


def _run_in_process(notebook: Any) -> None:
    """The fallback: each code cell exec'd in order in one namespace, as a kernel would (the
    value of a trailing expression is the cell's result), outputs recorded on the cells."""
    namespace: dict[str, Any] = {"__name__": "__notebook__"}
    for count, cell in enumerate(_code_cells(notebook), start=1):
        tree = ast.parse(str(cell.source))
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr):
            tree.body.pop()
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            exec(compile(tree, f"<cell {count}>", "exec"), namespace)
            value = None
            if isinstance(last, ast.Expr):
                expression = ast.Expression(last.value)
                value = eval(compile(expression, f"<cell {count}>", "eval"), namespace)
        cell.execution_count = count
        cell.outputs = []
        if stdout.getvalue():
            cell.outputs.append(_output("stream", name="stdout", text=stdout.getvalue()))
        if value is not None:
            data = {"text/plain": repr(value)}
            html = getattr(value, "_repr_html_", None)
            if html is not None:
                data["text/html"] = html()
            cell.outputs.append(_output("execute_result", data=data, execution_count=count))


def _execute(notebook: Any) -> None:
    """In a kernel; without one, in this process, unless ``CUSTOMERS_REQUIRE_KERNEL=1``
    (which ``.ci/run`` sets: CI must not pass on the fallback alone)."""
    if _run_in_kernel(notebook):
        return
    if os.environ.get("CUSTOMERS_REQUIRE_KERNEL") == "1":
        pytest.fail("no Jupyter kernel could be started and CUSTOMERS_REQUIRE_KERNEL=1")
    _run_in_process(notebook)


def _no_kernel(self: NotebookClient) -> None:
    raise RuntimeError("Kernel died before replying to kernel_info")


def _read_notebook() -> Any:
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    nbformat.validate(notebook)
    return notebook


def test_no_kernel_fails_when_a_kernel_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMERS_REQUIRE_KERNEL", "1")
    monkeypatch.setattr(NotebookClient, "execute", _no_kernel)
    notebook = _read_notebook()
    with pytest.raises(pytest.fail.Exception, match="no Jupyter kernel could be started"):
        _execute(notebook)
    assert not any(cell.get("execution_count") for cell in _code_cells(notebook))


@pytest.mark.parametrize("where", ["kernel", "no-kernel-fallback"])
def test_the_example_notebook_runs_top_to_bottom(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)  # the sandbox key is all it needs
    if where != "kernel":
        monkeypatch.delenv("CUSTOMERS_REQUIRE_KERNEL", raising=False)
        monkeypatch.setattr(NotebookClient, "execute", _no_kernel)
    notebook = _read_notebook()

    _execute(notebook)

    cells = _code_cells(notebook)
    assert all(cell.execution_count for cell in cells)
    outputs = [output for cell in cells for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    shown = "\n".join(_text_of(output) for output in outputs)
    assert "<table>" in shown  # the page's HTML display
    assert "('Oslo', ['nb'], 0)" in shown  # Stripe's fields, typed, and an expanded list
    assert "(150, " in shown  # the full walk: every sandbox customer in the frame
    assert "subscription_status" in shown  # the flattened subscriptions
    assert "NotFoundError 404" in shown  # the error caught by type
    assert "Customer ID is required" in shown  # the node's structured error
    assert "sk_test_sandbox" not in shown
