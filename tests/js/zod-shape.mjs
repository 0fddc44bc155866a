// The structural check of `cozegen zod` modules (tests/it/zod.rs): each module only declares
// data. It is parsed with the TypeScript compiler API and every statement must be one of:
//
//   import { z } from "zod";
//   const NAME = new RegExp("<string literal>", "u");
//   [export] const NAME = <schema>;
//   export type NAME = z.infer<typeof NAME>;        (NAME a const declared before)
//
// where a <schema> is a chain of builder calls rooted at `z` or at a const declared before it,
// each method one of Zod's builders below, with arguments that are literals (strings, numbers,
// a minus sign), consts declared before, other <schema>s, `Number.isInteger`, or the object
// literal of `z.strictObject` / `z.looseObject` (string-literal keys, computed only for
// "__proto__"). Nothing else: no other call, no function, no template, no identifier from
// outside the module.
//
// stdin:  JSON array of file paths.  stdout: one JSON line per file:
//         {"file", "ok": true, "consts": n, "types": n} or {"file", "ok": false, "error": "..."}.
import { readFileSync } from "node:fs";
import ts from "typescript";

const BUILDERS = new Set([
  "string", "number", "boolean", "json", "record", "array", "strictObject", "looseObject",
  "optional", "describe", "regex", "gte", "lte", "refine",
]);

function check(file) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const consts = new Set();
  let types = 0;
  const fail = (node, what) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    throw new Error(`line ${line + 1}: ${what}: ${node.getText(source).slice(0, 120)}`);
  };
  const literal = (node) =>
    ts.isStringLiteral(node) ||
    ts.isNumericLiteral(node) ||
    (ts.isPrefixUnaryExpression(node) &&
      node.operator === ts.SyntaxKind.MinusToken &&
      ts.isNumericLiteral(node.operand));
  const argument = (node) => {
    if (literal(node)) return;
    if (ts.isIdentifier(node) && consts.has(node.text)) return;
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "Number" &&
      node.name.text === "isInteger"
    )
      return;
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property)) fail(property, "not a property assignment");
        const name = property.name;
        const computed =
          ts.isComputedPropertyName(name) &&
          ts.isStringLiteral(name.expression) &&
          name.expression.text === "__proto__";
        if (!ts.isStringLiteral(name) && !computed) fail(name, "a key that is not a string literal");
        schema(property.initializer);
      }
      return;
    }
    schema(node);
  };
  const schema = (node) => {
    if (ts.isIdentifier(node)) {
      if (!consts.has(node.text)) fail(node, "a name not declared before");
      return;
    }
    if (!ts.isCallExpression(node)) fail(node, "not a builder call");
    const callee = node.expression;
    if (!ts.isPropertyAccessExpression(callee) || !BUILDERS.has(callee.name.text)) {
      fail(node, "a call that is not a Zod builder");
    }
    const target = callee.expression;
    if (!(ts.isIdentifier(target) && target.text === "z")) schema(target);
    if (node.typeArguments) fail(node, "type arguments");
    node.arguments.forEach(argument);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const text = statement.getText(source);
      if (text !== 'import { z } from "zod";') fail(statement, "an import other than z from zod");
    } else if (ts.isVariableStatement(statement)) {
      if (!(statement.declarationList.flags & ts.NodeFlags.Const)) fail(statement, "not const");
      for (const d of statement.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || d.type || !d.initializer) fail(d, "not a plain const");
        const init = d.initializer;
        if (ts.isNewExpression(init)) {
          const args = init.arguments ?? [];
          const ok =
            ts.isIdentifier(init.expression) &&
            init.expression.text === "RegExp" &&
            args.length === 2 &&
            ts.isStringLiteral(args[0]) &&
            ts.isStringLiteral(args[1]) &&
            args[1].text === "u";
          if (!ok) fail(init, "a construction other than new RegExp(literal, \"u\")");
          // The pattern must compile.
          new RegExp(args[0].text, "u");
        } else {
          schema(init);
        }
        consts.add(d.name.text);
      }
    } else if (ts.isTypeAliasDeclaration(statement)) {
      const t = statement.type;
      const ok =
        ts.isTypeReferenceNode(t) &&
        t.typeName.getText(source) === "z.infer" &&
        t.typeArguments?.length === 1 &&
        ts.isTypeQueryNode(t.typeArguments[0]) &&
        t.typeArguments[0].exprName.getText(source) === statement.name.text &&
        consts.has(statement.name.text);
      if (!ok) fail(statement, "a type other than z.infer of its own const");
      types += 1;
    } else {
      fail(statement, "a statement that declares no data");
    }
  }
  return { consts: consts.size, types };
}

const files = JSON.parse(readFileSync(0, "utf8"));
for (const file of files) {
  let line;
  try {
    line = { file, ok: true, ...check(file) };
  } catch (e) {
    line = { file, ok: false, error: String(e.message) };
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
