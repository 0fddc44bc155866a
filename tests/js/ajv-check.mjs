// Validates cozegen's JSON Schema with Ajv in its default (strict) mode.
//
// usage: node ajv-check.mjs SCHEMA.json [INSTANCE.json ...]
// Compiles the schema (which checks it against its meta-schema, strictly), then validates each
// instance. Prints one JSON line per instance: {"file": ..., "valid": bool, "errors": [...]}.
// Exit code 0 when the schema compiled, 2 when it did not.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";

const [schemaPath, ...instances] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const is2020 = String(schema.$schema || "").includes("2020-12");
const ajv = is2020 ? new Ajv2020() : new Ajv();
let validate;
try {
  validate = ajv.compile(schema);
} catch (e) {
  console.error(`schema rejected by Ajv (${is2020 ? "Ajv2020" : "Ajv draft-07"}): ${e.message}`);
  process.exit(2);
}
for (const file of instances) {
  const instance = JSON.parse(readFileSync(file, "utf8"));
  const valid = validate(instance);
  console.log(JSON.stringify({ file, valid, errors: valid ? [] : validate.errors }));
}
