"""Checks that generated pydantic modules only declare data.

Usage: python_data_only.py REFERENCE.py MODULE.py...

Every top-level statement of a module must be one of: the fixed imports; a docstring; an
assignment of a value type (`CozeInteger`, `CozeTime`, `CozeFile`: `Annotated[...]` with
`Field(...)` of constant keywords), of `WORKFLOW_ID` (a string constant) or of `RunOutput` (a
name); a class deriving from `BaseModel` whose body is docstrings, `model_config =
ConfigDict(...)` with constant keywords, and annotated fields whose annotation is names,
subscripts and `|`, and whose value is `MISSING` or `Field(...)` with constant keywords; or one of
the run helpers (`run_request`, `RunError`, `_path`, `parse_output`), which must be the
reference module's own, token for token, but for the root class's name. Prints one line per
problem; exits 1 if there is any.
"""

import ast
import sys

IMPORTS = {
    "import json",
    "from typing import Annotated, Any",
    "from pydantic import BaseModel, ConfigDict, Field",
    "from pydantic import BaseModel, ConfigDict, Field, ValidationError",
    "from pydantic.experimental.missing_sentinel import MISSING",
}
VALUE_TYPES = {"CozeInteger", "CozeTime", "CozeFile"}
HELPERS = {"run_request", "RunError", "_path", "parse_output"}


def constant_call(node: ast.expr, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == name
        and not node.args
        and all(
            k.arg is not None
            and (
                isinstance(k.value, ast.Constant)
                or (isinstance(k.value, ast.UnaryOp) and isinstance(k.value.operand, ast.Constant))
                or (isinstance(k.value, ast.Name) and k.value.id == "MISSING")
            )
            for k in node.keywords
        )
    )


def type_expression(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Subscript):
        inner = node.slice
        parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        return type_expression(node.value) and all(type_expression(p) for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return type_expression(node.left) and type_expression(node.right)
    return False


def docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def root_of(tree: ast.Module) -> str | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "run_request":
            annotation = node.args.args[0].annotation
            return annotation.id if isinstance(annotation, ast.Name) else None
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "RunOutput"
            and isinstance(node.value, ast.Name)
        ):
            return node.value.id
    return None


def helpers(tree: ast.Module, root: str | None) -> dict[str, str]:
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in HELPERS:
            text = ast.dump(node)
            if root is not None:
                text = text.replace(f"'{root}'", "'<root>'")
            out[node.name] = text
    return out


def check(path: str, reference: dict[str, set[str]]) -> list[str]:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    problems = []
    own = helpers(tree, root_of(tree))
    for node in tree.body:
        where = f"{path}:{node.lineno}"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if ast.unparse(node) not in IMPORTS:
                problems.append(f"{where}: unexpected import {ast.unparse(node)}")
        elif docstring(node):
            pass
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
            ok = (
                (target in VALUE_TYPES and type_expression(value.value if isinstance(value, ast.Subscript) else value)
                 and isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Tuple)
                 and all(type_expression(e) or constant_call(e, "Field") for e in value.slice.elts))
                or (target == "WORKFLOW_ID" and isinstance(value, ast.Constant) and isinstance(value.value, str))
                or (target == "RunOutput" and isinstance(value, ast.Name))
            )
            if not ok:
                problems.append(f"{where}: unexpected assignment to {target}")
        elif isinstance(node, ast.ClassDef) and node.name not in HELPERS:
            if node.decorator_list or node.keywords or [ast.unparse(b) for b in node.bases] != ["BaseModel"]:
                problems.append(f"{where}: class {node.name} is not a plain BaseModel")
            for item in node.body:
                at = f"{path}:{item.lineno}"
                if docstring(item):
                    continue
                if (
                    isinstance(item, ast.Assign)
                    and [ast.unparse(t) for t in item.targets] == ["model_config"]
                    and constant_call(item.value, "ConfigDict")
                ):
                    continue
                if (
                    isinstance(item, ast.AnnAssign)
                    and isinstance(item.target, ast.Name)
                    and type_expression(item.annotation)
                    and (
                        item.value is None
                        or (isinstance(item.value, ast.Name) and item.value.id == "MISSING")
                        or constant_call(item.value, "Field")
                    )
                ):
                    continue
                problems.append(f"{at}: {node.name} holds more than data: {ast.unparse(item)[:80]}")
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in HELPERS:
            if own.get(node.name) not in reference.get(node.name, set()):
                problems.append(f"{where}: {node.name} is not the template's helper")
        else:
            problems.append(f"{where}: unexpected statement {ast.unparse(node)[:80]}")
    return problems


def main() -> None:
    reference: dict[str, set[str]] = {}
    references, modules = sys.argv[1].split(","), sys.argv[2:]
    for path in references:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for name, text in helpers(tree, root_of(tree)).items():
            reference.setdefault(name, set()).add(text)
    problems = [p for m in modules for p in check(m, reference)]
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


main()
