// The Ajv legs of the conformance suite (tests/it/conformance.rs). One run is one leg: one draft,
// every document, every case.
//
// stdin:  {"draft": "2020-12" | "07", "options": {extra Ajv options},
//          "documents": [{"name": "...", "schema": {...}, "cases": [{"name": "...", "text": "..."}]}]}
//         where `text` is a case's parameters as its exact JSON text (JSON.parse reads it here,
//         as an application using Ajv would).
// stdout: one JSON line per document, in order:
//         {"document", "verdicts": [{"name", "valid": bool, "errors": [...]} | {"name", "error"}]}
//         or, when Ajv rejects the document's schema, {"document", "schema_error": "..."}.
// Exit 0 when every document was judged; 2 on bad input.
//
// Ajv runs in its default strict mode, plus `ownProperties: true`: without it Ajv reads a
// missing property through the prototype, so a parameter named `toString` or `constructor` is
// "present" (a function) in every object. An application validating parameters that anyone can
// name needs the same option.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";

const DIALECTS = {
  "2020-12": { uri: "https://json-schema.org/draft/2020-12/schema", Class: Ajv2020 },
  "07": { uri: "http://json-schema.org/draft-07/schema#", Class: Ajv },
};

const input = JSON.parse(readFileSync(0, "utf8"));
const dialect = DIALECTS[input.draft];
if (!dialect) {
  console.error(`unknown draft ${JSON.stringify(input.draft)}`);
  process.exit(2);
}

function judge({ name: document, schema, cases }) {
  if (schema.$schema !== dialect.uri) {
    return { document, schema_error: `draft ${input.draft} asked for, but the schema says ${JSON.stringify(schema.$schema)}` };
  }
  // A fresh instance per document: schemas without `$id` never collide, and nothing carries over.
  const ajv = new dialect.Class({ strict: true, allErrors: true, ownProperties: true, ...(input.options ?? {}) });
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    return { document, schema_error: `Ajv (draft ${input.draft}, strict) rejected the schema: ${e.message}` };
  }
  const verdicts = cases.map(({ name, text }) => {
    let instance;
    try {
      instance = JSON.parse(text);
    } catch (e) {
      return { name, error: `JSON.parse: ${e.message}` };
    }
    const valid = validate(instance);
    return { name, valid, errors: valid ? [] : validate.errors };
  });
  return { document, verdicts };
}

process.stdout.write(input.documents.map((d) => JSON.stringify(judge(d)) + "\n").join(""));
