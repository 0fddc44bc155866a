"""The conformance suite's `python` leg: the generated pydantic models judge every case.

Reads one JSON object on stdin: `{"documents": [{"name", "module", "root", "cases": [{"name",
"text"}]}]}` (`module`: the path of the generated `input.py`). Prints one JSON line per document:
`{"document": name, "verdicts": [{"name", "json"} | {"name", "error"}]}`: `json` is the case
validated into the root model (`model_validate_json`, strict) and dumped for the run as
`run_request` dumps it (`model_dump(mode="json")`, as JSON text); `error` is pydantic's refusal. A module that does not import gives
`{"document": name, "module_error": text}`.
"""

import importlib.util
import json
import sys


def load(name: str, path: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"conformance_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    request = json.load(sys.stdin)
    for document in request["documents"]:
        try:
            module = load(document["name"], document["module"])
            root = getattr(module, document["root"])
        except Exception as error:  # noqa: BLE001 - reported as the leg's failure
            print(json.dumps({"document": document["name"], "module_error": repr(error)}))
            continue
        verdicts = []
        for case in document["cases"]:
            try:
                value = root.model_validate_json(case["text"])
            except Exception as error:  # noqa: BLE001 - a refusal, whatever pydantic raised
                verdicts.append({"name": case["name"], "error": str(error)})
                continue
            try:
                dumped = json.dumps(value.model_dump(mode="json", by_alias=True))
            except Exception as error:  # noqa: BLE001
                verdicts.append({"name": case["name"], "broken": repr(error)})
                continue
            verdicts.append({"name": case["name"], "json": dumped})
        print(json.dumps({"document": document["name"], "verdicts": verdicts}))


main()
