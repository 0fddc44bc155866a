// The Zod leg of the conformance suite (tests/it/conformance.rs): one run judges every case of
// every document with the module `cozegen zod` wrote for it.
//
// stdin:  {"dir": "<scratch directory, with node_modules reachable from it>",
//          "documents": [{"name": "...", "module": "<path of the .zod.ts file>", "root": "<export>",
//                         "cases": [{"name": "...", "text": "..."}]}]}
//         where `text` is a case's parameters as its exact JSON text (JSON.parse reads it here, as an
//         application using Zod would).
// stdout: one JSON line per document, in order:
//         {"document", "verdicts": [{"name", "valid": bool, "errors": "..."} | {"name", "error"}]}
//         or, when the module cannot be loaded, {"document", "module_error": "..."}.
//
// Each module is transpiled by the TypeScript compiler (types are stripped, nothing else changes)
// into `<dir>/<name>.mjs` and imported. Valid is `schema.safeParse(value).success` with a parsed
// value that is the value given, as data: a parse that drops, adds or changes anything (a
// default filled in, a key lost) does not take the parameters as they are, and is a refusal
// that says so.
//
// The case is read by JSON.parse into objects without a prototype (`Object.create(null)`): Zod
// reads a property through the prototype, so with plain objects an optional parameter named
// `toString` that is left out is "present" (the inherited function) and refused. An application
// checking parameters that anyone can name needs the same reading (docs/artifacts.md says so).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

const input = JSON.parse(readFileSync(0, "utf8"));

// JSON.parse's reviver: every object without a prototype, its own keys (`__proto__` included)
// kept as data.
function bare(_key, value) {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? Object.assign(Object.create(null), value)
    : value;
}

function same(a, b) {
  if (typeof a !== typeof b) return false;
  if (typeof a !== "object" || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]))
  );
}

function errors(error) {
  return error.issues
    .map((i) => `${i.path.map((p) => JSON.stringify(String(p))).join(".")}: ${i.message}`)
    .join("; ");
}

async function judge({ name: document, module, root, cases }) {
  let schema;
  try {
    const source = readFileSync(module, "utf8");
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(input.dir, `${document}.mjs`);
    writeFileSync(file, js);
    schema = (await import(pathToFileURL(file).href))[root];
    if (schema === undefined) throw new Error(`the module exports no ${root}`);
  } catch (e) {
    return { document, module_error: String(e && e.stack ? e.stack : e) };
  }
  const verdicts = cases.map(({ name, text }) => {
    let value;
    try {
      value = JSON.parse(text, bare);
    } catch (e) {
      return { name, error: `JSON.parse: ${e.message}` };
    }
    let result;
    try {
      result = schema.safeParse(value);
    } catch (e) {
      // safeParse reports a refusal; a throw (a stack overflow in a deep value) is Zod failing.
      return { name, error: `safeParse threw: ${String(e)}` };
    }
    if (!result.success) return { name, valid: false, errors: errors(result.error) };
    if (!same(result.data, JSON.parse(text))) {
      return { name, valid: false, errors: `dropped or changed data: parsed as ${JSON.stringify(result.data)}` };
    }
    return { name, valid: true, errors: "" };
  });
  return { document, verdicts };
}

for (const document of input.documents) {
  process.stdout.write(JSON.stringify(await judge(document)) + "\n");
}
