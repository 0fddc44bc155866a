// End-to-end tests of cozegen's HTML form in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core). Run by tests/it/html.rs, which generates the corpus pages first;
// scenarios that need other documents write them and run the cozegen binary themselves.
//
// usage: node form-e2e.mjs CONFIG.json
// CONFIG: {"bin": cozegen binary, "corpus": dir, "pages": {doc: html}, "schemas": {doc: json},
//          "fragment": html fragment file, "work": scratch dir, "screenshots": dir,
//          "zh_order": a WorkflowInfo described in Chinese}
// Runs two scenarios at a time; prints one line per passed scenario ("ok NAME (TIME)") and
// exits 1 after the first failure.
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual, inspect } from "node:util";
import { chromium } from "playwright-core";
import Ajv2020 from "ajv/dist/2020.js";
import { axeProblems } from "./axe.mjs";
import { watch, finish } from "./problems.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
mkdirSync(config.screenshots, { recursive: true });

const ajv = new Ajv2020();
const validators = {};
function validate(doc, parameters) {
  validators[doc] ??= ajv.compile(JSON.parse(readFileSync(config.schemas[doc], "utf8")));
  const v = validators[doc];
  if (!v(parameters)) {
    throw new Error(`${doc}: payload fails cozegen's schema: ${inspect(v.errors)}\n${JSON.stringify(parameters)}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}:\n  expected ${JSON.stringify(expected)}\n    actual ${JSON.stringify(actual)}`);
  }
}

// Writes a WorkflowInfo with these start parameters, generates its form (and schema), and
// registers the schema under `name` for validate(). `extra` are `cozegen html` options; the
// IR's own (--open-objects) go to the schema too.
function generate(name, parameters, extra = []) {
  const doc = join(config.work, `${name}.json`);
  const file = join(config.work, `${name}.html`);
  const schema = join(config.work, `${name}.schema.json`);
  writeFileSync(doc, JSON.stringify({ data: { workflow_detail: { workflow_name: name }, input: { parameters } } }));
  execFileSync(config.bin, ["html", doc, "--quiet", "-o", file, ...extra]);
  execFileSync(config.bin, ["schema", doc, "--quiet", "-o", schema, ...extra.filter((a) => a === "--open-objects")]);
  config.schemas[name] = schema;
  return file;
}

const profile = mkdtempSync(join(tmpdir(), "cozegen-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 900, height: 900 },
});

// Opens a page from disk with its problems recorded (problems.mjs).
async function open(file, options = {}) {
  const page = await context.newPage();
  if (options.viewport) await page.setViewportSize(options.viewport);
  if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
  watch(page);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("#cozegen-form[data-cz-ready=ready]", { state: "attached", timeout: 5000 });
  await page.evaluate(() => {
    window.__submits = [];
    document.addEventListener("cozegen:submit", (e) => {
      // The exact text, and the plain values as a listener's JSON.stringify writes them.
      window.__submits.push({ json: e.detail.json, stringified: JSON.stringify(e.detail.parameters), message: e.detail.message, request: e.detail.request });
    });
  });
  return page;
}

const control = (page, name) => page.locator(`#cozegen-form [name=${JSON.stringify(name)}]`);
const includeBox = (page, name) => control(page, name).locator(":scope > legend .cz-include");

// Submits; returns the last `cozegen:submit` ({json, stringified}) or undefined when blocked.
async function submitRaw(page) {
  const before = await page.evaluate(() => window.__submits.length);
  await clickSubmit(page);
  const submits = await page.evaluate(() => window.__submits);
  return submits.length > before ? submits[submits.length - 1] : undefined;
}

// Clicks Submit until the form gets the submit event: a click the layout moved the button from
// under (a form whose fields render as they scroll into view) must not pass for a refusal.
async function clickSubmit(page) {
  for (let tries = 0; tries < 3; tries++) {
    await page.evaluate(() => {
      window.__handled = false;
      document.getElementById("cozegen-form").addEventListener("submit", () => (window.__handled = true), { once: true });
    });
    await page.locator(".cz-submit").click();
    await page.waitForTimeout(50);
    if (await page.evaluate(() => window.__handled)) return;
  }
  throw new Error("the Submit button could not be clicked");
}

// Submits; returns the parameters (parsed from the exact JSON) or undefined when blocked.
async function submit(page) {
  const s = await submitRaw(page);
  return s === undefined ? undefined : JSON.parse(s.json);
}

async function addRow(page, arrayName) {
  await control(page, arrayName).locator(":scope > .cz-add").click();
}

async function removeRow(page, arrayName, index) {
  await control(page, arrayName).locator(":scope > .cz-rows > .cz-row").nth(index).locator(":scope > .cz-remove").click();
}

async function rowCount(page, arrayName) {
  return control(page, arrayName).locator(":scope > .cz-rows > .cz-row").count();
}

// Facts about the form's structure, checked in the page.
async function structure(page) {
  return page.evaluate(() => {
    const form = document.getElementById("cozegen-form");
    const model = JSON.parse(form.querySelector("script.cz-model").textContent);
    const issues = [];
    for (const holder of form.querySelectorAll("[data-node]")) {
      const node = model.nodes[Number(holder.dataset.node)];
      const el = holder.matches("fieldset") ? holder : holder.querySelector(":scope > .cz-control");
      if (!el) {
        issues.push(`node ${holder.dataset.node} has no control`);
        continue;
      }
      const label = holder.matches("fieldset") ? holder.querySelector(":scope > legend") : el.labels && el.labels[0];
      if (!label) issues.push(`${el.getAttribute("name")} has no label`);
      // A member's label is its title, with the exact wire name after it where the two differ.
      const title = label ? label.querySelector(".cz-name") : null;
      if (!title || !title.textContent) issues.push(`${el.getAttribute("name")}: the label has no title`);
      if (node.key !== undefined && title) {
        const wire = label.querySelector(".cz-wire");
        const shown = wire ? wire.textContent : title.textContent;
        if (shown !== node.key) issues.push(`label ${JSON.stringify(label.textContent)} does not show the wire name ${JSON.stringify(node.key)}`);
        if (!label.querySelector(".cz-badge")) issues.push(`${el.getAttribute("name")}: no type chip`);
      }
      for (const id of (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)) {
        if (!document.getElementById(id)) issues.push(`${el.getAttribute("name")}: aria-describedby ${id} is missing`);
      }
      const optionalGroup = holder.matches("fieldset") && node.key !== undefined && !node.required;
      const box = holder.matches("fieldset") ? holder.querySelector(":scope > legend .cz-include") : null;
      if (optionalGroup !== !!box) issues.push(`${el.getAttribute("name")}: include box ${box ? "on a required group" : "missing"}`);
      if (node.required && !holder.matches("fieldset") && el.type !== "checkbox" && !el.required) {
        issues.push(`${el.getAttribute("name")} is required but lacks the attribute`);
      }
      if (node.kind === "string" && !el.matches("textarea")) issues.push(`${el.getAttribute("name")}: a string is not a textarea`);
    }
    const ids = Array.from(document.querySelectorAll("[id]"), (e) => e.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dup.length) issues.push(`duplicate ids: ${dup.join(", ")}`);
    return {
      issues,
      names: Array.from(form.querySelectorAll(".cz-control[name], fieldset[name]"), (e) => e.getAttribute("name")),
    };
  });
}

async function visibleErrors(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".cz-error:not([hidden])"), (e) => ({
      field: e.parentElement.matches("fieldset") ? e.parentElement.getAttribute("name") : e.parentElement.querySelector(".cz-control").getAttribute("name"),
      message: e.textContent,
      visible: e.offsetHeight > 0,
    }))
  );
}

async function errorsByField(page) {
  return Object.fromEntries((await visibleErrors(page)).map((e) => [e.field, e.message]));
}

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario("every corpus form loads cleanly, labels every control, and untouched submits (leaving top-level defaults to Coze) or asks only for required fields", async () => {
  for (const [doc, file] of Object.entries(config.pages)) {
    const page = await open(file);
    const { issues } = await structure(page);
    assert(issues.length === 0, `${doc}: ${issues.join("; ")}`);
    // A chatflow's form asks for its message first (its own scenario checks that).
    if (await page.locator("#cz-message").count()) await page.locator("#cz-message").fill("Hello");
    const payload = await submit(page);
    if (payload !== undefined) {
      validate(doc, payload);
      // No optional top-level default goes out untouched: Coze applies it by itself.
      const fallbacks = await page.evaluate(() => {
        const model = JSON.parse(document.querySelector("#cozegen-form script.cz-model").textContent);
        return model.root.map((id) => model.nodes[id]).filter((n) => n.fallback).map((n) => n.key);
      });
      for (const key of fallbacks) assert(!(key in payload), `${doc}: the untouched default ${key} was sent`);
    } else {
      // Every default the IR accepts is accepted by the untouched form: only blanks block it.
      const errors = await visibleErrors(page);
      assert(errors.length > 0 && errors.every((e) => e.visible && e.message), `${doc}: blocked without a visible message: ${JSON.stringify(errors)}`);
      assert(errors.every((e) => e.message === "This field is required."), `${doc}: untouched form blocked by a value: ${JSON.stringify(errors)}`);
      assert(await page.locator(".cz-summary").isVisible(), `${doc}: no summary`);
    }
    await finish(page);
  }
});

scenario("all_types: every control type fills in and submits exactly the expected parameters", async () => {
  const page = await open(config.pages.all_types);
  // Defaults are prefilled, including the array rows of `keywords`.
  assertEqual(await control(page, "title").inputValue(), "Untitled", "title default");
  assertEqual(await control(page, "count").inputValue(), "3", "count default");
  assertEqual(await control(page, "options.limits.max_items").inputValue(), "100", "nested default");
  assertEqual(await rowCount(page, "keywords"), 2, "keywords rows from the default");
  assertEqual(await control(page, "keywords[1]").inputValue(), "b", "keywords[1]");
  assertEqual(await control(page, "dry_run").inputValue(), "false", "dry_run default");

  await control(page, "title").fill("Quarterly\nreport");
  await control(page, "count").fill("12");
  await control(page, "temperature").fill("0.25");
  await control(page, "dry_run").selectOption("true");
  await control(page, "when").fill("2025-07-01T09:30:15");
  await control(page, "options.mode").fill("slow");
  await control(page, "options.limits.max_items").fill("5");
  await removeRow(page, "keywords", 0);
  assertEqual(await control(page, "keywords[0]").inputValue(), "b", "rows renumber after a removal");
  await addRow(page, "keywords");
  await control(page, "keywords[1]").fill("c");
  await control(page, "file_input").fill("https://example.com/f.pdf");
  await control(page, "default_input").fill("7351234567890");
  await control(page, "image_input").fill('{"file_id":"img-1"}');
  await addRow(page, "gallery");
  await control(page, "gallery[0]").fill("https://example.com/a.png");
  // The picker only names the file: nothing is uploaded and the text field is untouched.
  const picker = page.locator("#cozegen-form [name=image_input] ~ .cz-pick input[type=file]");
  assertEqual(await picker.getAttribute("accept"), "image/*", "image accept hint");
  await picker.setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("png") });
  const note = await page.locator("#cozegen-form [name=image_input] ~ .cz-pick .cz-note").textContent();
  assert(note.includes("photo.png") && note.includes("not uploaded"), `picker note: ${note}`);

  const sent = await submitRaw(page);
  const expected = {
    title: "Quarterly\nreport",
    count: 12,
    temperature: 0.25,
    dry_run: true,
    when: "2025-07-01 09:30:15",
    options: { mode: "slow", limits: { max_items: 5 } },
    keywords: ["b", "c"],
    file_input: "https://example.com/f.pdf",
    default_input: '{"file_id":"7351234567890"}',
    image_input: '{"file_id":"img-1"}',
    gallery: ["https://example.com/a.png"],
  };
  assertEqual(sent.json, JSON.stringify(expected), "all_types payload, exactly");
  assertEqual(sent.stringified, sent.json, "detail.parameters says the same");
  validate("all_types", expected);
  const shown = JSON.parse(await page.locator(".cz-out").textContent());
  assertEqual(shown, expected, "the page shows the payload it sent");
  await page.screenshot({ path: join(config.screenshots, "all_types-light.png"), fullPage: true });
  await finish(page);
});

scenario("arrays: rows of objects, nested arrays and arrays of arrays add, remove and renumber; a required array may be empty", async () => {
  const page = await open(config.pages.arrays);
  assertEqual(await rowCount(page, "grid"), 2, "grid rows from the default");
  assertEqual(await control(page, "grid[1][1]").inputValue(), "3.25", "grid[1][1] default");
  // Untouched: the required array goes as [], the optional one's default is Coze's to apply.
  assertEqual((await submitRaw(page)).json, '{"rows":[]}', "untouched");

  await addRow(page, "rows");
  await addRow(page, "rows");
  await addRow(page, "rows");
  assertEqual(await control(page, "rows[2].qty").inputValue(), "1", "item field default in a new row");
  await control(page, "rows[0].sku").fill("DROP-ME");
  await control(page, "rows[1].sku").fill("A-1");
  await control(page, "rows[1].qty").fill("2");
  await addRow(page, "rows[1].tags");
  await addRow(page, "rows[1].tags");
  await control(page, "rows[1].tags[0]").fill("red");
  await control(page, "rows[1].tags[1]").fill("big");
  await control(page, "rows[2].sku").fill("B-2");
  await removeRow(page, "rows", 0);
  // After the removal, what was rows[1] is rows[0], names, ids and labels included.
  assertEqual(await control(page, "rows[0].tags[1]").inputValue(), "big", "renamed after removal");
  const legend = await control(page, "rows[0]").locator(":scope > legend .cz-name").textContent();
  assertEqual(legend, "Row 1", "item legend renumbered");
  assertEqual(await includeBox(page, "rows[0].tags").isChecked(), true, "adding a row included the optional array");
  assertEqual(await includeBox(page, "rows[1].tags").isChecked(), false, "an untouched row's optional array is left out");

  await addRow(page, "grid[0]");
  await control(page, "grid[0][2]").fill("7");
  await removeRow(page, "grid", 1);
  await addRow(page, "grid");
  await addRow(page, "grid[1]");
  await control(page, "grid[1][0]").fill("-1.5");
  await addRow(page, "flags");
  await addRow(page, "flags");
  await control(page, "flags[1]").check();

  const { issues } = await structure(page);
  assert(issues.length === 0, issues.join("; "));
  const payload = await submit(page);
  assertEqual(
    payload,
    {
      rows: [
        { sku: "A-1", qty: 2, tags: ["red", "big"] },
        { sku: "B-2", qty: 1 },
      ],
      grid: [[0.5, 1, 7], [-1.5]],
      flags: [false, true],
    },
    "arrays payload"
  );
  validate("arrays", payload);
  await page.screenshot({ path: join(config.screenshots, "arrays-light.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: join(config.screenshots, "arrays-dark.png"), fullPage: true });
  await finish(page);
});

scenario("order_intake: nested objects by path, and a missing required field blocks submission visibly", async () => {
  const page = await open(config.pages.order_intake);
  await control(page, "customer.name").fill("Ada");
  await control(page, "customer.address.street").fill("1 Main St");
  // customer.address.city left empty; lines has no row, which is fine.
  let payload = await submit(page);
  assertEqual(payload, undefined, "submission is blocked");
  const errors = await visibleErrors(page);
  const byField = Object.fromEntries(errors.map((e) => [e.field, e]));
  assert(byField["customer.address.city"]?.visible, `no visible error at customer.address.city: ${JSON.stringify(errors)}`);
  assertEqual(Object.keys(byField), ["customer.address.city"], "the only error");
  assertEqual(await control(page, "customer.address.city").getAttribute("aria-invalid"), "true", "aria-invalid");
  assert(await page.locator(".cz-summary").isVisible(), "summary is shown");
  const focused = await page.evaluate(() => document.activeElement.getAttribute("name"));
  assertEqual(focused, "customer.address.city", "focus moves to the first problem");
  await page.screenshot({ path: join(config.screenshots, "order_intake-errors.png"), fullPage: true });

  await control(page, "customer.address.city").fill("Springfield");
  assertEqual(await visibleErrors(page), [], "the error clears as soon as the field is valid");
  assert(!(await page.locator(".cz-summary").isVisible()), "the summary goes with the last error");
  payload = await submit(page);
  assertEqual(payload.lines, [], "a required array may be sent empty");
  await addRow(page, "lines");
  await control(page, "lines[0].sku").fill("SKU-9");
  await control(page, "priority").fill("");
  payload = await submit(page);
  assert(payload !== undefined, `still blocked: ${JSON.stringify(await visibleErrors(page))}`);
  assertEqual(payload.customer, { name: "Ada", address: { street: "1 Main St", city: "Springfield" } }, "customer");
  assertEqual(payload.lines, [{ sku: "SKU-9", qty: 1, gift_wrap: false }], "lines");
  assert(!("priority" in payload), "an emptied optional field is omitted");
  validate("order_intake", payload);
  await finish(page);
});

scenario("odd_shapes: bad JSON is reported next to its field; map needs an object, any takes null", async () => {
  const page = await open(config.pages.odd_shapes);
  await control(page, "no_type").fill("not json");
  await control(page, "bare_object").fill("[1]");
  await control(page, "unknown").fill('{"a": 1,}');
  await control(page, "required_as_text").fill("x");
  await control(page, "required_odd").fill("x");
  await addRow(page, "bare_array");
  const payload = await submit(page);
  assertEqual(payload, undefined, "blocked");
  const errors = await errorsByField(page);
  assert(/JSON/.test(errors.no_type || ""), `no_type: ${JSON.stringify(errors)}`);
  assert(/object/.test(errors.bare_object || ""), `bare_object: ${JSON.stringify(errors)}`);
  assert(/line 1, column 9/.test(errors.unknown || ""), `unknown: the position of the problem: ${JSON.stringify(errors)}`);
  assert(/remove/.test(errors["bare_array[0]"] || ""), `bare_array[0]: ${JSON.stringify(errors)}`);
  await control(page, "no_type").fill("null");
  await control(page, "bare_object").fill('{"k": [1, 2], "__proto__": {"x": 1}}');
  await control(page, "unknown").fill('{"z": 1, "a": 2}');
  await control(page, "bare_array[0]").fill("null");
  const ok = await submitRaw(page);
  assert(ok !== undefined, `blocked: ${JSON.stringify(await visibleErrors(page))}`);
  const sent = JSON.parse(ok.json);
  assertEqual(sent.no_type, null, "any takes null");
  assert(ok.json.includes('"bare_object":{"k":[1,2],"__proto__":{"x":1}}'), `map keeps its keys and order: ${ok.json}`);
  assert(ok.json.includes('"unknown":{"z":1,"a":2}'), `any keeps its key order: ${ok.json}`);
  assertEqual(sent.bare_array, [null], "array of any");
  validate("odd_shapes", sent);
  await finish(page);
});

scenario("optional objects and arrays: an include box, ticked by a change inside; left out unticked, whatever they hold", async () => {
  const file = generate("groups", {
    name: { type: "string", required: true },
    opt: { type: "object", properties: { flag: { type: "boolean", required: true }, note: { type: "string" } } },
    loose: { type: "object", properties: { a: { type: "string" }, b: { type: "integer" } } },
    tags: { type: "array", items: { type: "string" } },
    req_list: { type: "array", required: true, items: { type: "integer" } },
    outer: { type: "object", properties: { inner: { type: "object", properties: { n: { type: "integer", required: true } } } } },
  });
  let page = await open(file);
  for (const group of ["opt", "loose", "tags", "outer", "outer.inner"]) {
    assertEqual(await includeBox(page, group).isChecked(), false, `${group} starts left out`);
  }
  assertEqual(await includeBox(page, "req_list").count(), 0, "a required array has no include box");
  await control(page, "name").fill("x");
  // The untouched optional object whose child is a required boolean is neither blocked nor
  // sent as {"flag": false}; the required array is sent empty.
  assertEqual((await submitRaw(page)).json, '{"name":"x","req_list":[]}', "untouched");

  // Typing inside ticks the group, and every group around it.
  await control(page, "outer.inner.n").fill("1.5");
  assertEqual(await includeBox(page, "outer.inner").isChecked(), true, "inner ticked by typing");
  assertEqual(await includeBox(page, "outer").isChecked(), true, "outer ticked by typing inside inner");
  assertEqual(await submit(page), undefined, "a bad value in an included group blocks");
  assert(/whole number/.test((await errorsByField(page))["outer.inner.n"] || ""), "the error is shown");
  // Unticked, the group is left out and its errors are ignored.
  await includeBox(page, "outer").uncheck();
  assertEqual(await visibleErrors(page), [], "unticking clears the errors inside");
  assertEqual((await submitRaw(page)).json, '{"name":"x","req_list":[]}', "outer left out, however it is filled");

  // Ticked with nothing inside: {} and [].
  await includeBox(page, "loose").check();
  await includeBox(page, "tags").check();
  await includeBox(page, "opt").check();
  assertEqual((await submitRaw(page)).json, '{"name":"x","opt":{"flag":false},"loose":{},"tags":[],"req_list":[]}', "ticked, empty");
  await includeBox(page, "opt").uncheck();
  await control(page, "opt.note").fill("n");
  assertEqual(await includeBox(page, "opt").isChecked(), true, "typing in opt ticks it again");
  // Ticking an inner group ticks the outer one; unticking it does not.
  await includeBox(page, "outer.inner").uncheck();
  await includeBox(page, "outer.inner").check();
  assertEqual(await includeBox(page, "outer").isChecked(), true, "ticking inner ticks outer");
  await includeBox(page, "outer").uncheck();
  await includeBox(page, "outer.inner").uncheck();
  assertEqual(await includeBox(page, "outer").isChecked(), false, "unticking inner leaves outer as it was");
  assertEqual(
    (await submitRaw(page)).json,
    '{"name":"x","opt":{"flag":false,"note":"n"},"loose":{},"tags":[],"req_list":[]}',
    "groups as ticked"
  );
  await finish(page);

  // Adding a row is a change inside; removing every row leaves an included empty array.
  page = await open(file);
  await control(page, "name").fill("x");
  await addRow(page, "tags");
  assertEqual(await includeBox(page, "tags").isChecked(), true, "Add item ticks the array");
  await removeRow(page, "tags", 0);
  await addRow(page, "req_list");
  await control(page, "req_list[0]").fill("-3");
  const sent = await submitRaw(page);
  assertEqual(sent.json, '{"name":"x","tags":[],"req_list":[-3]}', "rows");
  validate("groups", JSON.parse(sent.json));
  await page.screenshot({ path: join(config.screenshots, "groups.png"), fullPage: true });
  await finish(page);
});

scenario("integers are exact: defaults beyond 2^53 go untouched with their digits, bounds are the IR's, JSON keeps its numbers", async () => {
  // Required, so that their defaults go out (Coze applies an optional one's itself).
  const file = generate("exact", {
    big: { type: "integer", required: true, default_value: "9007199254740993" },
    ids: { type: "array", required: true, items: { type: "integer" }, default_value: "[9223372036854775807,-9223372036854775808]" },
    blob: { type: "object", required: true, default_value: '{"n":18446744073709551615,"f":1.0}' },
    ratio: { type: "number", required: true, default_value: "0.1" },
    n: { type: "integer" },
    x: { type: "number" },
    free: { type: "any" },
  });
  const page = await open(file);
  const untouched = await submitRaw(page);
  const exact = '{"big":9007199254740993,"ids":[9223372036854775807,-9223372036854775808],"blob":{"n":18446744073709551615,"f":1.0},"ratio":0.1}';
  assertEqual(untouched.json, exact, "every default goes untouched, exactly");
  // Listeners get the same digits from detail.parameters (JSON.rawJSON beyond 2^53).
  assertEqual(untouched.stringified, exact.replace("1.0}", "1}"), "detail.parameters");
  const raw = await page.evaluate(() => typeof JSON.rawJSON === "function");
  assert(raw, "this Chromium has JSON.rawJSON");

  for (const [text, message] of [
    ["9223372036854775808", /from -9223372036854775808 to 9223372036854775807/],
    ["-9223372036854775809", /from -9223372036854775808 to 9223372036854775807/],
    ["1.0", /without a fraction or exponent/],
    ["1e3", /without a fraction or exponent/],
  ]) {
    await control(page, "n").fill(text);
    assertEqual(await submit(page), undefined, `${text} is blocked`);
    const errors = await errorsByField(page);
    assert(message.test(errors.n || ""), `${text}: ${JSON.stringify(errors)}`);
  }
  await control(page, "n").fill("-9223372036854775808");
  await control(page, "x").fill("1e400");
  assertEqual(await submit(page), undefined, "an infinite number is blocked");
  assert((await errorsByField(page)).x, "the number's error is shown");
  await control(page, "x").fill("2.50");
  await control(page, "free").fill('{"a": 123456789012345678901234567890, "b": [1.50, -0, 1E+2]}');
  const sent = await submitRaw(page);
  assert(sent, `blocked: ${JSON.stringify(await visibleErrors(page))}`);
  assertEqual(
    sent.json,
    exact.slice(0, -1) + ',"n":-9223372036854775808,"x":2.50,"free":{"a":123456789012345678901234567890,"b":[1.50,-0,1E+2]}}',
    "typed numbers keep their digits"
  );
  await finish(page);
});

scenario("every default the IR accepts that the form sends (required, or nested) goes untouched, exactly", async () => {
  // Required or nested: an optional top-level default is Coze's to apply, and is left out.
  const file = generate("defaults", {
    s_rows: { type: "array", required: true, items: { type: "string" }, default_value: JSON.stringify(["", "x\r\ny", "nul\u0000"]) },
    obj: {
      type: "object",
      required: true,
      default_value: '{"name":"","when":"2024-02-29 23:59:59","n":1e300,"flag":false,"blob":{"k":[1.0]}}',
      properties: {
        name: { type: "string", required: true },
        when: { type: "time" },
        n: { type: "number" },
        flag: { type: "boolean", required: true },
        blob: { type: "object" },
      },
    },
    items: {
      type: "array",
      required: true,
      items: { type: "object", properties: { when: { type: "time" }, opt: { type: "boolean" }, m: { type: "object" }, big: { type: "integer" }, any: {} } },
      default_value: '[{"when":"2025-07-01 09:30:00","opt":true,"m":{},"big":-9007199254740993,"any":null}]',
    },
    num: { type: "number", required: true, default_value: "-0.0" },
    text: { type: "string", required: true, default_value: "nul\u0000 and cr\r" },
    file: { type: "file", required: true, default_value: ' {"file_id":"a b"}' },
  });
  const page = await open(file);
  assertEqual(await control(page, "obj.name").getAttribute("placeholder"), "(empty text)", "an empty default says so");
  assertEqual(await control(page, "s_rows[0]").getAttribute("placeholder"), "(empty text)", "in a row too");
  const sent = await submitRaw(page);
  assert(sent, `the untouched form is blocked: ${JSON.stringify(await visibleErrors(page))}`);
  assertEqual(
    sent.json,
    '{"s_rows":["","x\\r\\ny","nul\\u0000"],"obj":{"name":"","when":"2024-02-29 23:59:59","n":1e+300,"flag":false,"blob":{"k":[1.0]}},' +
      '"items":[{"when":"2025-07-01 09:30:00","opt":true,"m":{},"big":-9007199254740993,"any":null}],"num":-0.0,"text":"nul\\u0000 and cr\\r","file":" {\\"file_id\\":\\"a b\\"}"}',
    "every default, exactly"
  );
  validate("defaults", JSON.parse(sent.json));
  // Typing over a prefilled text ends the exception: a box emptied by the user is no value.
  await control(page, "s_rows[1]").fill("");
  assertEqual(await submit(page), undefined, "an emptied row is flagged");
  await finish(page);
});

scenario("time: a datetime-local with seconds, sent as yyyy-MM-dd HH:mm:ss and checked with the IR's TIME_PATTERN", async () => {
  const file = generate("times", {
    when: { type: "time", required: true, default_value: "2024-02-29 23:59:59" },
    at: { type: "time" },
  });
  const page = await open(file);
  assertEqual(await control(page, "at").getAttribute("step"), "1", "seconds are enterable");
  assertEqual(await control(page, "at").getAttribute("type"), "datetime-local", "a date and time picker");
  assertEqual((await submitRaw(page)).json, '{"when":"2024-02-29 23:59:59"}', "the default goes untouched");
  await control(page, "at").fill("2025-07-01T09:30");
  assertEqual((await submit(page)).at, "2025-07-01 09:30:00", "always with seconds");
  await control(page, "at").fill("0001-01-01T00:00:01");
  assertEqual((await submit(page)).at, "0001-01-01 00:00:01", "year 0001");
  // The picker takes years past 9999; the rule does not.
  await control(page, "at").fill("10000-01-01T00:00:00");
  assertEqual(await submit(page), undefined, "year 10000 is blocked");
  assert(/real date and time/.test((await errorsByField(page)).at || ""), "the time's error");
  validate("times", { when: "2024-02-29 23:59:59", at: "2025-07-01 09:30:00" });
  await finish(page);
});

scenario("file: an http(s) URL or {\"file_id\"} JSON goes as typed, a bare id is wrapped, anything else is refused", async () => {
  const file = generate("files", {
    doc: { type: "doc" },
    pic: { type: "image", required: true, default_value: '{"file_id":"kept"}\n' },
  });
  const page = await open(file);
  assertEqual((await submitRaw(page)).json, '{"pic":"{\\"file_id\\":\\"kept\\"}\\n"}', "a default the input cannot show goes exactly");
  for (const [typed, sent] of [
    ["https://例子.cn/文件.pdf", "https://例子.cn/文件.pdf"],
    [' { "file_id" : "7351" } ', ' { "file_id" : "7351" } '],
    ["7351234567890", '{"file_id":"7351234567890"}'],
    ["  abc-1  ", '{"file_id":"abc-1"}'],
  ]) {
    await control(page, "doc").fill(typed);
    const payload = await submit(page);
    assert(payload, `${typed} is blocked: ${JSON.stringify(await visibleErrors(page))}`);
    assertEqual(payload.doc, sent, `file ${typed}`);
    validate("files", payload);
  }
  for (const typed of ["ftp://x/y", "HTTPS://x", "https://a b", '{"file_id": 7}', 'a"b']) {
    await control(page, "doc").fill(typed);
    assertEqual(await submit(page), undefined, `${typed} is refused`);
    assert((await errorsByField(page)).doc, `${typed}: no error shown`);
  }
  await finish(page);
});

scenario("strings: text areas that take newlines; a blank box is no value (left out, or flagged when required)", async () => {
  const file = generate("strings", {
    req: { type: "string", required: true },
    opt: { type: "string" },
    crlf: { type: "string", required: true, default_value: "a\r\nb\rc" },
  });
  const page = await open(file);
  assertEqual(await control(page, "opt").evaluate((e) => e.tagName), "TEXTAREA", "a text area");
  assertEqual(await submit(page), undefined, "a blank required string is flagged");
  assertEqual(await errorsByField(page), { req: "This field is required." }, "required");
  await control(page, "req").fill("line 1\nline 2\n  indented");
  await control(page, "opt").fill("");
  const sent = await submitRaw(page);
  // A default with carriage returns goes exactly while the box still shows it.
  assertEqual(sent.json, '{"req":"line 1\\nline 2\\n  indented","crlf":"a\\r\\nb\\rc"}', "strings");
  await control(page, "opt").fill(" ");
  assertEqual((await submit(page)).opt, " ", "a space is a value");
  await finish(page);
});

scenario("open objects: an other-keys box per object sends undeclared keys exactly, and refuses declared ones", async () => {
  const file = generate(
    "open",
    {
      name: { type: "string", required: true },
      rows: { type: "array", required: true, items: { type: "object", properties: { sku: { type: "string" } } } },
    },
    ["--open-objects"]
  );
  const page = await open(file);
  assertEqual(await control(page, "*").evaluate((e) => e.tagName), "TEXTAREA", "the root's other keys");
  await control(page, "name").fill("n");
  await addRow(page, "rows");
  await control(page, "rows[0].sku").fill("A");
  await control(page, "rows[0].*").fill('{"qty": 9007199254740993, "tags": []}');
  await control(page, "*").fill('{"zeta": null, "alpha": {"b": 1.0}}');
  const sent = await submitRaw(page);
  assertEqual(sent.json, '{"name":"n","rows":[{"sku":"A","qty":9007199254740993,"tags":[]}],"zeta":null,"alpha":{"b":1.0}}', "other keys, in order");
  validate("open", JSON.parse(sent.json));
  await control(page, "*").fill('{"name": "again"}');
  assertEqual(await submit(page), undefined, "a declared key is refused");
  assert(/parameter of its own/.test((await errorsByField(page))["*"] || ""), "the other keys' error");
  await control(page, "*").fill("[1]");
  assertEqual(await submit(page), undefined, "other keys are an object");
  const { issues } = await structure(page);
  assert(issues.length === 0, issues.join("; "));
  await finish(page);
});

scenario("live validation: a committed bad value is flagged before submitting and clears when fixed, and never costs the Submit click", async () => {
  let page = await open(config.pages.all_types);
  await control(page, "count").fill("1.5");
  await control(page, "count").blur();
  assert(/whole number/.test((await errorsByField(page)).count || ""), "flagged on change");
  await control(page, "count").fill("2");
  assertEqual(await visibleErrors(page), [], "cleared once valid");
  await control(page, "when").fill("2025-07-01T09:30:00");
  await control(page, "file_input").fill("ftp://x");
  await control(page, "file_input").blur();
  assert((await errorsByField(page)).file_input, "file flagged on change");
  await control(page, "file_input").fill("https://x/y");
  assertEqual(await visibleErrors(page), [], "file error cleared");
  await finish(page);

  // Leaving a bad value for the Submit button: the error waits for the press to end, so the
  // button does not move from under the pointer (a short form: nothing scrolls to make up for
  // it) and one click submits.
  page = await open(generate("press", { count: { type: "integer" } }));
  await control(page, "count").fill("2.5");
  await page.evaluate(() => {
    window.__handled = 0;
    document.getElementById("cozegen-form").addEventListener("submit", () => window.__handled++);
  });
  await page.locator(".cz-submit").click();
  await page.waitForTimeout(50);
  assertEqual(await page.evaluate(() => window.__handled), 1, "one click, one submit");
  assert(/whole number/.test((await errorsByField(page)).count || ""), "and the value is flagged");
  assertEqual(await page.evaluate(() => document.activeElement.getAttribute("name")), "count", "with the focus on it");
  await finish(page);
});

scenario("optional booleans: (not sent) until chosen, and can be unset again", async () => {
  const page = await open(config.pages.hostile_names);
  await control(page, "type").fill("t");
  assertEqual(await control(page, "Self").inputValue(), "", "an optional boolean without a default starts unset");
  let payload = await submit(page);
  assert(!("Self" in payload) && !("option" in payload) && !("Option" in payload), `omitted: ${JSON.stringify(payload)}`);
  await control(page, "Self").selectOption("false");
  await control(page, "option.box").selectOption("true");
  payload = await submit(page);
  assertEqual(payload.Self, false, "chosen false is false");
  assertEqual(payload.option, { box: true }, "choosing inside an optional object includes it");
  validate("hostile_names", payload);
  await control(page, "Self").selectOption("");
  assert(!("Self" in (await submit(page))), "unset again");
  await finish(page);
});

scenario("hostile names, descriptions and defaults stay inert text", async () => {
  const page = await open(config.pages.hostile_names);
  await page.waitForTimeout(200);
  const dom = await page.evaluate(() => ({
    scripts: document.scripts.length,
    injected: document.querySelectorAll("img, iframe, object, embed, svg, textarea:not(.cz-control)").length,
    handlers: Array.from(document.querySelectorAll("*")).flatMap((e) => Array.from(e.attributes).filter((a) => a.name.startsWith("on")).map((a) => a.name)),
    autofocus: document.querySelectorAll("[autofocus]").length,
    title: document.title,
    h1: document.querySelector("h1").textContent,
    html: document.documentElement.outerHTML.length,
  }));
  assertEqual(dom.scripts, 2, "exactly our model block and our script");
  assertEqual(dom.injected, 0, "no injected elements");
  assertEqual(dom.handlers, [], "no event-handler attributes");
  assertEqual(dom.autofocus, 0, "no autofocus");
  assert(dom.h1 === "hostile </script><script>alert(1)</script>", `title shows as text: ${dom.h1}`);
  // Names that are not plain identifiers are quoted in paths, as everywhere in cozegen.
  const evil = "</script><script>alert(1)</script>";
  const evilName = `[${JSON.stringify(evil)}]`;
  const label = await control(page, evilName).evaluate((e) => e.labels[0].textContent);
  assert(label.startsWith(evil), `label: ${label}`);
  assertEqual(await control(page, evilName).inputValue(), "</textarea><script>alert(2)</script>", "hostile default is a value");
  const help = await page.locator("#cozegen-form .cz-help", { hasText: "<img src=x onerror=alert(1)>" }).count();
  assertEqual(help, 1, "hostile description shown as text");
  assertEqual(await control(page, "onclick").inputValue(), "' autofocus onfocus='alert(4)", "attribute-breaking default");
  await control(page, "onclick").focus();
  await control(page, "type").fill("x");
  await control(page, '["a\\"b\\\\c"]').fill("q");
  assert(!(evil in (await submit(page))), "an untouched default is Coze's to apply");
  // Entered by the user (the same text), it is theirs and goes out.
  await control(page, evilName).fill("</textarea><script>alert(2)</script>");
  const payload = await submit(page);
  assertEqual(payload[evil], "</textarea><script>alert(2)</script>", "hostile key and default round-trip");
  assertEqual(payload['a"b\\c'], "q", "quote and backslash key");
  validate("hostile_names", payload);
  await finish(page);
});

scenario("the page enforces its own Content-Security-Policy", async () => {
  const page = await open(config.pages.arrays);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert(/script-src 'sha256-[A-Za-z0-9+/]+=*'/.test(csp), `CSP: ${csp}`);
  const ran = await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__inline = 1";
    document.body.appendChild(s);
    return window.__inline === 1;
  });
  assertEqual(ran, false, "an injected inline script is blocked");
  page.problems.length = 0; // the blocked script's console report is the expected outcome
  await finish(page);
});

scenario("--action POSTs the exact {\"parameters\":…} text to the given URL and shows the answer", async () => {
  const received = [];
  const server = createServer((req, res) => {
    const cors = {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": "Content-Type",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, type: req.headers["content-type"], body });
      res.writeHead(200, { ...cors, "Content-Type": "application/json" });
      res.end('{"code":0,"data":"<b>done</b>"}');
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/run`;
    const file = join(config.work, "arrays-action.html");
    execFileSync(config.bin, ["html", join(config.corpus, "arrays.json"), "--quiet", "--action", url, "-o", file]);
    const page = await open(file);
    await addRow(page, "rows");
    await control(page, "rows[0].sku").fill("X");
    await control(page, "rows[0].qty").fill("9223372036854775807");
    const sent = await submitRaw(page);
    await page.waitForFunction(() => document.querySelector(".cz-status").dataset.state, null, { timeout: 5000 });
    assertEqual(received.length, 1, "one POST");
    assertEqual(received[0].method, "POST", "method");
    assertEqual(received[0].url, "/run", "path");
    assertEqual(received[0].type, "application/json", "content type");
    assertEqual(received[0].body, '{"parameters":' + sent.json + "}", "body, exactly");
    assertEqual(sent.json, '{"rows":[{"sku":"X","qty":9223372036854775807}]}', "payload");
    const statusText = await page.locator(".cz-status").textContent();
    assert(statusText.includes("200"), `status: ${statusText}`);
    assertEqual(await page.locator(".cz-response-body").textContent(), '{"code":0,"data":"<b>done</b>"}', "response shown as text");
    assertEqual(await page.locator(".cz-result b").count(), 0, "response not parsed as HTML");
    await page.screenshot({ path: join(config.screenshots, "arrays-action.png"), fullPage: true });
    await finish(page);
  } finally {
    server.close();
  }
});

scenario("--fragment embeds in a host page and still submits", async () => {
  const host = join(config.work, "host.html");
  writeFileSync(host, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>host</title></head><body><h1>Host</h1>${readFileSync(config.fragment, "utf8")}</body></html>`);
  const page = await open(host);
  // Counted in the page: page.exposeFunction would first install Playwright's binding in every
  // page of the shared context, and fails when the other worker closes one of its pages meanwhile.
  await page.evaluate(() => {
    window.__bubbled = 0;
    document.body.addEventListener("cozegen:submit", () => window.__bubbled++);
  });
  await control(page, "customer.name").fill("Ada");
  await control(page, "customer.address.street").fill("s");
  await control(page, "customer.address.city").fill("c");
  await addRow(page, "lines");
  await control(page, "lines[0].sku").fill("k");
  const payload = await submit(page);
  validate("order_intake", payload);
  assertEqual(await page.evaluate(() => window.__bubbled), 1, "the event bubbles to the host");
  await finish(page);
});

// What a parameter's label says: its title, the wire name beside it, the type chip and the
// chip's tooltip (null where the label has none).
async function labelParts(page, name) {
  return control(page, name).evaluate((el) => {
    const label = el.matches("fieldset") ? el.querySelector(":scope > legend") : el.labels[0];
    const text = (selector) => {
      const e = label.querySelector(selector);
      return e ? e.textContent : null;
    };
    const chip = label.querySelector(".cz-badge");
    return { title: text(".cz-name"), wire: text(".cz-wire"), chip: text(".cz-badge"), tip: chip && chip.getAttribute("title") };
  });
}

const rowTitles = (page, arrayName) =>
  control(page, arrayName).locator(":scope > .cz-rows > .cz-row > [data-node]").evaluateAll((items) =>
    items.map((e) => (e.matches("fieldset") ? e.querySelector(":scope > legend .cz-name") : e.querySelector(":scope > label .cz-name")).textContent)
  );

scenario("labels speak to people: a title made from the wire name, the wire name beside it, plain type chips, rows numbered from 1", async () => {
  let page = await open(config.pages.order_intake);
  assertEqual(await labelParts(page, "deliver_at"), { title: "Deliver at", wire: "deliver_at", chip: "date and time", tip: "Coze type: time" }, "deliver_at");
  assertEqual(await labelParts(page, "lines"), { title: "Lines", wire: "lines", chip: "list of groups", tip: "Coze type: array of object" }, "lines");
  assertEqual((await labelParts(page, "invoice")).chip, "document", "a doc file is a document");
  assertEqual((await labelParts(page, "customer")).chip, "group", "an object is a group");
  // Row titles come from the array's title, 1-based, and renumber after a removal.
  assertEqual(await control(page, "lines").locator(":scope > .cz-add").textContent(), "Add line", "the Add button");
  for (let i = 0; i < 3; i++) await addRow(page, "lines");
  assertEqual(await rowTitles(page, "lines"), ["Line 1", "Line 2", "Line 3"], "rows");
  assertEqual((await labelParts(page, "lines[2].sku")).title, "SKU", "an acronym");
  await removeRow(page, "lines", 0);
  assertEqual(await rowTitles(page, "lines"), ["Line 1", "Line 2"], "renumbered after Remove");
  // The picker is the native file button, restyled by the style sheet (no inline style).
  const picker = await page.locator("#cozegen-form [name=invoice] ~ .cz-pick .cz-picker").evaluate((e) => {
    const button = getComputedStyle(e, "::file-selector-button");
    return { radius: button.borderRadius, weight: button.fontWeight, style: e.getAttribute("style") };
  });
  assertEqual(picker, { radius: "8px", weight: "600", style: null }, "the file button is styled");
  await finish(page);

  page = await open(config.pages.all_types);
  for (const [name, chip] of [
    ["title", "text"],
    ["count", "whole number"],
    ["temperature", "number"],
    ["dry_run", "yes/no"],
    ["image_input", "image file"],
    ["keywords", "list of texts"],
    ["gallery", "list of image files"],
  ]) {
    assertEqual((await labelParts(page, name)).chip, chip, `${name}'s chip`);
  }
  assertEqual((await labelParts(page, "image_input")).tip, "Coze type: image", "the Coze type is the tooltip");
  assertEqual(await rowTitles(page, "keywords"), ["Keyword 1", "Keyword 2"], "prefilled rows are numbered too");
  await finish(page);

  page = await open(config.pages.arrays);
  assertEqual(await rowTitles(page, "grid[1]"), ["Grid item 2.1", "Grid item 2.2"], "rows of rows");
  assertEqual((await labelParts(page, "grid")).chip, "list of lists of numbers", "nested lists");
  await finish(page);

  // seed_example is described in Chinese: its form is, and calls parameters by their names.
  page = await open(config.pages.seed_example);
  assertEqual(await labelParts(page, "CONVERSATION_NAME"), { title: "CONVERSATION_NAME", wire: null, chip: "文本", tip: "扣子类型：string" }, "Chinese");
  await finish(page);
  page = await open(generate("seed_en", { CONVERSATION_NAME: { type: "string" } }, ["--lang", "en"]));
  assertEqual((await labelParts(page, "CONVERSATION_NAME")).title, "Conversation name", "capitals");
  await finish(page);

  page = await open(config.pages.hostile_names);
  assertEqual(await labelParts(page, "firstName"), { title: "First name", wire: "firstName", chip: "text", tip: "Coze type: string" }, "camelCase");
  assertEqual((await labelParts(page, "self")).wire, "self", "self and Self are told apart by the wire name");
  assertEqual((await labelParts(page, "Self")).wire, null, "a title that is the wire name");
  assertEqual((await labelParts(page, '["名称"]')).title, "名称", "a Chinese name stays as it is");
  assertEqual((await labelParts(page, '["名称"]')).wire, null, "with no second copy");
  await finish(page);
});

scenario("defaults: an untouched top-level default is left to Coze; a changed, required or nested one is sent; the result says which were left out", async () => {
  const file = generate("fallbacks", {
    name: { type: "string", required: true },
    count: { type: "integer", default_value: "3" },
    mode: { type: "string", default_value: "fast" },
    flag: { type: "boolean", default_value: "true" },
    when: { type: "time", default_value: "2025-07-01 09:30:00" },
    keep: { type: "integer", required: true, default_value: "7" },
    opts: { type: "object", default_value: '{"level":2}', properties: { level: { type: "integer" }, note: { type: "string" } } },
    tags: { type: "array", items: { type: "string" }, default_value: '["a"]' },
    box: { type: "object", properties: { size: { type: "integer", default_value: "5" } } },
    rows: { type: "array", required: true, items: { type: "object", properties: { qty: { type: "integer", required: true, default_value: "1" } } } },
  });
  const page = await open(file);
  const notes = await page.locator("#cozegen-form .cz-default").evaluateAll((ps) => ps.map((p) => p.id));
  assertEqual(notes.length, 6, `a note on each top-level optional default: ${notes}`);
  assertEqual(await control(page, "count").getAttribute("aria-describedby"), (await control(page, "count").getAttribute("id")) + "-def " + (await control(page, "count").getAttribute("id")) + "-err", "the note describes its control");
  assertEqual(await control(page, "count").inputValue(), "3", "the default is shown");
  assertEqual(await includeBox(page, "opts").isChecked(), false, "a group's default is shown, not included");
  assertEqual(await rowCount(page, "tags"), 1, "an array's default rows are shown");
  assertEqual(await includeBox(page, "tags").isChecked(), false, "and not included");
  await control(page, "name").fill("x");
  assertEqual((await submitRaw(page)).json, '{"name":"x","keep":7,"rows":[]}', "untouched: only the required default");
  const leftOut = await page.locator(".cz-left-out").textContent();
  assertEqual(leftOut, "Left out, so Coze applies the workflow's defaults: Count, Mode, Flag, When, Opts, Tags.", "the result says so");

  // A change makes a default the user's: sent, even when typed back to the same text.
  await control(page, "count").fill("4");
  assert((await page.locator("#cozegen-form [name=count]").evaluate((e) => e.parentElement.querySelector(".cz-default").textContent)).startsWith("Changed"), "the note follows");
  await control(page, "mode").fill("fast");
  await control(page, "opts.level").fill("5");
  assertEqual(await includeBox(page, "opts").isChecked(), true, "a change inside includes the group");
  // Nested defaults go out as shown: absence would not bring them back.
  await includeBox(page, "box").check();
  await addRow(page, "rows");
  const sent = await submitRaw(page);
  assertEqual(sent.json, '{"name":"x","count":4,"mode":"fast","keep":7,"opts":{"level":5},"box":{"size":5},"rows":[{"qty":1}]}', "changed, required and nested defaults");
  validate("fallbacks", JSON.parse(sent.json));
  assertEqual(await page.locator(".cz-left-out").textContent(), "Left out, so Coze applies the workflow's defaults: Flag, When, Tags.", "what is still Coze's");
  // Emptied, a changed default is left to Coze again.
  await control(page, "count").fill("");
  assert(!("count" in (await submit(page))), "an emptied box is no value");
  await finish(page);
});

scenario("errors: focus goes to the first invalid field on the page; the summary names each by its title and links to it", async () => {
  const file = generate("errs", {
    first: { type: "integer", required: true },
    group: { type: "object", required: true, properties: { inner_text: { type: "string", required: true } } },
    items: { type: "array", required: true, items: { type: "object", properties: { sku: { type: "string", required: true } } } },
    last_one: { type: "integer" },
  });
  const page = await open(file);
  await addRow(page, "items");
  await addRow(page, "items");
  // A later field already flagged live does not take the focus from the first one.
  await control(page, "last_one").fill("1.5");
  await control(page, "last_one").blur();
  assert((await errorsByField(page)).last_one, "flagged live");
  assertEqual(await page.locator(".cz-summary").isVisible(), false, "no summary before submitting");
  assertEqual(await submit(page), undefined, "blocked");
  assertEqual(await page.evaluate(() => document.activeElement.getAttribute("name")), "first", "focus on the first field with an error");
  const summary = page.locator(".cz-summary");
  assertEqual(await summary.getAttribute("role"), "alert", "announced");
  const links = () => summary.locator("a").evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  const ids = await Promise.all(["first", "group.inner_text", "items[0].sku", "items[1].sku", "last_one"].map((n) => control(page, n).getAttribute("id")));
  assertEqual(
    await links(),
    [
      ["First", "#" + ids[0]],
      ["Group › Inner text", "#" + ids[1]],
      ["Item 1 › SKU", "#" + ids[2]],
      ["Item 2 › SKU", "#" + ids[3]],
      ["Last one", "#" + ids[4]],
    ],
    "every field, by title, in page order"
  );
  assert((await summary.textContent()).startsWith("5 fields need attention"), "the count");
  await summary.locator("a").nth(3).click();
  assertEqual(await page.evaluate(() => document.activeElement.getAttribute("name")), "items[1].sku", "a link focuses its field");
  assertEqual(await page.evaluate(() => location.hash), "", "without touching the address");
  await control(page, "items[1].sku").fill("k");
  assertEqual((await links()).map((l) => l[0]), ["First", "Group › Inner text", "Item 1 › SKU", "Last one"], "a fixed field leaves the summary");
  await control(page, "first").fill("1");
  assertEqual(await submit(page), undefined, "still blocked");
  assertEqual(await page.evaluate(() => document.activeElement.getAttribute("name")), "group.inner_text", "focus on the new first");
  await page.screenshot({ path: join(config.screenshots, "errors-summary.png"), fullPage: true });
  await finish(page);
});

scenario("the result has a Copy button: to the clipboard where the browser allows it, otherwise the JSON is selected", async () => {
  const page = await open(config.pages.all_types);
  assert(await submit(page), "submits");
  const shown = await page.locator(".cz-out").textContent();
  await page.evaluate(() => {
    window.__clip = [];
    const clipboard = { writeText: (t) => (window.__clip.push(t), Promise.resolve()) };
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: clipboard });
  });
  const copied = page.locator(".cz-copied");
  await page.locator(".cz-copy").click();
  await page.waitForFunction(() => document.querySelector(".cz-copied").textContent !== "");
  assertEqual(await page.evaluate(() => window.__clip), [shown], "the shown JSON is copied");
  assertEqual(await copied.textContent(), "Copied.", "and it says so");
  assertEqual(await copied.getAttribute("role"), "status", "politely announced");
  for (const clipboard of ["refuses", "missing"]) {
    await page.evaluate((how) => {
      const value = how === "missing" ? undefined : { writeText: () => Promise.reject(new Error("denied")) };
      Object.defineProperty(navigator, "clipboard", { configurable: true, value });
      getSelection().removeAllRanges();
    }, clipboard);
    assert(await submit(page), "submits again");
    assertEqual(await copied.textContent(), "", "a new result clears the feedback");
    await page.locator(".cz-copy").click();
    await page.waitForFunction(() => document.querySelector(".cz-copied").textContent !== "");
    assertEqual(await page.evaluate(() => String(getSelection())), shown, `clipboard ${clipboard}: the JSON is selected`);
    assert((await copied.textContent()).includes("Ctrl+C"), `clipboard ${clipboard}: says how to copy`);
  }
  await finish(page);
});

scenario("--action: when the endpoint cannot be reached, the status says what CORS needs instead of a bare 'Failed to fetch'", async () => {
  const received = [];
  // An endpoint that answers, but without CORS headers: the browser refuses to send the POST.
  const server = createServer((req, res) => {
    received.push({ method: req.method, origin: req.headers.origin });
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("no CORS here");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/run`;
    const file = join(config.work, "arrays-no-cors.html");
    execFileSync(config.bin, ["html", join(config.corpus, "arrays.json"), "--quiet", "--action", url, "-o", file]);
    const page = await open(file);
    assert(await submitRaw(page), "the payload is collected");
    await page.waitForFunction(() => document.querySelector(".cz-status").dataset.state, null, { timeout: 5000 });
    const status = await page.locator(".cz-status").textContent();
    for (const part of [
      `Could not reach ${url}.`,
      "it must allow this page's origin with CORS (Access-Control-Allow-Origin; a page opened from disk sends Origin: null)",
      "answer the preflight for Content-Type: application/json",
    ]) {
      assert(status.includes(part), `status lacks ${JSON.stringify(part)}: ${status}`);
    }
    assertEqual(await page.locator(".cz-status").getAttribute("data-state"), "error", "shown as an error");
    assertEqual(received, [{ method: "OPTIONS", origin: "null" }], "only the preflight arrived, from Origin: null");
    // The browser reports the refused request on the console: that is the case under test.
    page.problems = page.problems.filter((p) => !/CORS|Failed to load resource/.test(p));
    await finish(page);
  } finally {
    server.close();
  }
});

// One required string `levels` objects deep: l0.l1.….l{levels-1}.
function nestedDoc(levels) {
  let p = { type: "string", required: true };
  for (let i = levels - 1; i > 0; i--) p = { type: "object", required: true, properties: { ["l" + i]: p } };
  return { code: 0, data: { workflow_detail: { workflow_name: "deep" }, input: { parameters: { l0: p } } } };
}

scenario("deep forms submit the whole path, and past the browser's nesting limit say so instead", async () => {
  for (const [levels, readable] of [[300, true], [700, false]]) {
    const doc = join(config.work, `deep${levels}.json`);
    const file = join(config.work, `deep${levels}.html`);
    writeFileSync(doc, JSON.stringify(nestedDoc(levels)));
    execFileSync(config.bin, ["html", doc, "--quiet", "-o", file]);
    const page = await open(file);
    await page.locator("textarea.cz-control").fill("bottom");
    const sent = await submitRaw(page);
    const summary = await page.locator(".cz-summary");
    if (readable) {
      const path = Array.from({ length: levels }, (_, i) => `{"l${i}":`).join("");
      assertEqual(sent && sent.json, path + '"bottom"' + "}".repeat(levels), `${levels} deep: the whole path`);
    } else {
      // Chromium flattens markup nested about 500 elements deep: the form must not send a
      // payload built from a broken tree, and must say why.
      assertEqual(sent, undefined, `${levels} deep: nothing is submitted`);
      assert(await summary.isVisible(), `${levels} deep: the summary is shown`);
      const message = await summary.textContent();
      assert(message.includes("could not be read") && message.includes("nested too deeply"), `${levels} deep: ${message}`);
    }
    await finish(page);
  }
});

// A text field inside `objects` objects, two of which are rows of arrays (required, so their rows
// are added by hand): objects + 2 groups around it. Every name and value is long and unbroken.
function deepLongParameters(objects) {
  const url = "https://example.com/" + "x".repeat(150);
  const name = (i) => `level_${i}_` + "unbrokenparametername".repeat(3);
  let p = {
    type: "string",
    required: true,
    description: `See ${url}`,
    default_value: url + "?q=" + "v".repeat(120),
  };
  for (let i = objects; i > 0; i--) {
    const object = { type: "object", required: true, description: `Level ${i}: ${url}`, properties: { [name(i)]: p } };
    p = i === 4 || i === 11 ? { type: "array", required: true, items: object } : object;
  }
  return { [name(0)]: p, ["top_" + "unbrokenparametername".repeat(6)]: { type: "image", default_value: url } };
}

// The groups (fieldsets) of a form that look cut off: a right edge beyond the viewport, or no
// right border to close them (a nested group drawn open on the right reads as cut off).
async function groupsCutOff(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("#cozegen-form fieldset"))
      .filter((f) => f.getClientRects().length)
      .filter((f) => f.getBoundingClientRect().right > window.innerWidth + 0.5
        || parseFloat(getComputedStyle(f).borderRightWidth) === 0)
      .map((f) => `${f.className} (${f.querySelector("legend")?.textContent.trim().slice(0, 40)})`));
}

scenario("screenshots: light, dark, and no horizontal scroll at 375 px, 20 levels deep and with long unbroken names and values", async () => {
  for (const [name, options] of [
    ["order_intake-light", { colorScheme: "light" }],
    ["order_intake-dark", { colorScheme: "dark" }],
    ["order_intake-mobile", { colorScheme: "light", viewport: { width: 375, height: 812 } }],
    ["arrays-mobile", { colorScheme: "light", viewport: { width: 375, height: 812 } }],
    ["all_types-mobile", { colorScheme: "dark", viewport: { width: 375, height: 812 } }],
    ["hostile_names-mobile", { colorScheme: "light", viewport: { width: 375, height: 812 } }],
    ["all_types-dark", { colorScheme: "dark" }],
  ]) {
    const doc = name.split("-")[0];
    const page = await open(config.pages[doc], options);
    if (doc === "order_intake") await addRow(page, "lines");
    if (doc === "arrays") {
      await addRow(page, "rows");
      await addRow(page, "rows[0].tags");
      await submit(page);
    }
    if (doc === "all_types") await submit(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const viewport = page.viewportSize().width;
    assert(width <= viewport, `${name}: page is ${width}px wide in a ${viewport}px viewport`);
    assertEqual(await groupsCutOff(page), [], `${name}: every group is whole, its right border inside the viewport`);
    await page.screenshot({ path: join(config.screenshots, `${name}.png`), fullPage: true });
    await finish(page);
  }

  // 17 objects and 2 arrays around the field: 20 levels.
  const deep = generate("deep_long", deepLongParameters(17));
  for (const colorScheme of ["light", "dark"]) {
    const page = await open(deep, { colorScheme, viewport: { width: 375, height: 812 } });
    // Add a row to every array without one, outermost first, until the deepest field shows.
    const empty = page.locator("fieldset.cz-array:not(:has(> .cz-rows > li)) > .cz-add");
    while ((await empty.count()) > 0) await empty.first().click();
    assertEqual(await page.locator("#cozegen-form textarea.cz-control").count(), 1, "the deepest field is there");
    await page.locator("#cozegen-form textarea.cz-control").fill("");
    assertEqual(await submit(page), undefined, "an error at the bottom, with a long summary line");
    const fit = await page.evaluate(() => {
      const deepest = document.querySelector("#cozegen-form textarea.cz-control");
      let depth = 0;
      for (let g = deepest.closest("fieldset"); g; g = g.parentElement.closest("fieldset")) depth++;
      const overflowing = Array.from(document.querySelectorAll("#cozegen-form *"))
        .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((e) => e.tagName + "." + e.className);
      return { page: document.documentElement.scrollWidth, depth, control: deepest.getBoundingClientRect().width, overflowing };
    });
    assertEqual(fit.depth, 19, "nested 20 levels deep (19 groups around the field)");
    assertEqual(await groupsCutOff(page), [], "every one of the 19 groups is whole at 375 px");
    assert(fit.page <= 375, `the deep form is ${fit.page}px wide in a 375px viewport`);
    assertEqual(fit.overflowing, [], "nothing sticks out to the right");
    assert(fit.control >= 120, `the deepest field is still usable: ${fit.control}px wide`);
    await page.screenshot({ path: join(config.screenshots, `deep_long-mobile-${colorScheme}.png`), fullPage: true });
    await finish(page);
  }
});

// Generates the form of tests/i18n/zh_order.json (described in Chinese) with `extra` options.
function zhOrder(name, extra = []) {
  const file = join(config.work, `${name}.html`);
  const schema = join(config.work, `${name}.schema.json`);
  execFileSync(config.bin, ["html", config.zh_order, "--quiet", "-o", file, ...extra]);
  execFileSync(config.bin, ["schema", config.zh_order, "--quiet", "-o", schema]);
  config.schemas[name] = schema;
  return file;
}

// The visible words of the form that are not the workflow's own (names, descriptions, values).
const ENGLISH = ["Submit", "Add ", "Remove", "This field", "Copy JSON", "Parameters", "include", "Paste a link", "Enter ", "Upload", "required", "Coze type", "start node", "fields need"];

scenario("zh-CN: a workflow described in Chinese gets a Chinese form (lang, labels, chips, rows, messages, result), validated live and without horizontal scroll at 375 px", async () => {
  const file = zhOrder("zh_order");
  const page = await open(file, { viewport: { width: 375, height: 812 } });
  assertEqual(await page.evaluate(() => document.documentElement.lang), "zh-CN", "<html lang>");
  assertEqual(await page.title(), "order_intake_cn · 开始节点参数", "title");
  assertEqual(await labelParts(page, "customer_name"), { title: "customer_name", wire: null, chip: "文本", tip: "扣子类型：string" }, "customer_name");
  assertEqual((await labelParts(page, "lines")).chip, "对象列表", "a list of objects");
  assertEqual((await labelParts(page, "photos")).chip, "图片列表", "a list of images");
  assertEqual(await page.locator(".cz-submit").textContent(), "提交", "Submit");
  assertEqual(await control(page, "lines").locator(":scope > .cz-add").textContent(), "添加一项", "Add");
  await addRow(page, "lines");
  await addRow(page, "lines");
  assertEqual(await rowTitles(page, "lines"), ["lines 第 1 项", "lines 第 2 项"], "row titles");
  assertEqual(await control(page, "lines").locator(".cz-remove").first().textContent(), "删除", "Remove");
  // Live validation in Chinese: a committed bad value is flagged, and clears when fixed.
  await control(page, "quantity").fill("1.5");
  await control(page, "quantity").press("Tab");
  assertEqual((await errorsByField(page)).quantity, "请输入整数，不要带小数或指数。", "live error");
  await control(page, "quantity").fill("3");
  assertEqual((await errorsByField(page)).quantity, undefined, "cleared");
  // Required fields, in the field and in the summary.
  assertEqual(await submit(page), undefined, "blocked");
  const errors = await errorsByField(page);
  assertEqual(errors.customer_name, "此项为必填。", "required");
  assertEqual(errors["lines[0].sku"], "此项为必填。", "required in a row");
  const summary = await page.locator(".cz-summary").innerText();
  assert(summary.startsWith("提交前，有 3 项需要修改："), `summary: ${summary}`);
  assert(summary.includes("lines 第 2 项 › sku：此项为必填。"), `summary: ${summary}`);
  assert(summary.includes("customer_name：此项为必填。"), `summary: ${summary}`);
  assert(summary.includes("lines 第 1 项 › sku：此项为必填。"), `summary: ${summary}`);
  await page.screenshot({ path: join(config.screenshots, "zh_order-errors-mobile.png"), fullPage: true });
  await control(page, "customer_name").fill("张三");
  await control(page, "lines[0].sku").fill("SKU-1");
  await control(page, "lines[0].qty").fill("2");
  await removeRow(page, "lines", 1);
  await control(page, "contract").fill("https://example.com/合同.pdf");
  const payload = await submit(page);
  assertEqual(payload, { customer_name: "张三", quantity: 3, lines: [{ sku: "SKU-1", qty: 2 }], contract: "https://example.com/合同.pdf" }, "payload");
  validate("zh_order", payload);
  assertEqual(await page.locator(".cz-status").textContent(), "已收集参数。", "status");
  assertEqual(await page.locator(".cz-result .cz-result-title").first().textContent(), "参数", "result heading");
  assert((await page.locator(".cz-out").textContent()).includes('"customer_name": "张三"'), "the submitted parameters are shown");
  const text = await page.locator("body").innerText();
  for (const word of ENGLISH) assert(!text.includes(word), `English on the Chinese page: ${JSON.stringify(word)}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 375, `the Chinese form is ${width}px wide at 375 px`);
  await page.screenshot({ path: join(config.screenshots, "zh_order-mobile.png"), fullPage: true });
  await finish(page);

  // --lang en overrides the detection: the same workflow, in English.
  const en = await open(zhOrder("zh_order_en", ["--lang", "en"]));
  assertEqual(await en.evaluate(() => document.documentElement.lang), "en", "<html lang> en");
  assertEqual((await labelParts(en, "customer_name")).title, "Customer name", "English title");
  assertEqual(await submit(en), undefined, "blocked");
  assertEqual((await errorsByField(en)).customer_name, "This field is required.", "English message");
  await finish(en);
});

scenario("--upload-action: a picked file is POSTed (multipart, field `file`) to the backend, and its file_id or url becomes the value; progress and failures show next to the field", async () => {
  const received = [];
  let mode = "id";
  let release = null;
  const server = createServer((req, res) => {
    const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, type: req.headers["content-type"] || "", body: Buffer.concat(chunks).toString("latin1") });
      const answer = () => {
        if (mode === "fail") {
          res.writeHead(500, { ...cors, "Content-Type": "application/json" });
          res.end('{"error":"coze said no"}');
        } else {
          res.writeHead(200, { ...cors, "Content-Type": "application/json" });
          res.end(JSON.stringify(mode === "url" ? { url: "https://cdn.example.com/p/1.png" } : { file_id: "F1" }));
        }
      };
      if (mode === "slow") release = answer;
      else answer();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const origin = `http://127.0.0.1:${server.address().port}`;
    for (const lang of ["en", "zh-CN"]) {
      received.length = 0;
      mode = "id";
      const file = zhOrder(`zh_order_upload_${lang}`, ["--lang", lang, "--upload-action", `${origin}/upload?kind=coze`]);
      const csp = readFileSync(file, "utf8").match(/connect-src ([^;]*);/)[1];
      assertEqual(csp, origin, "the CSP allows exactly the upload origin");
      const zh = lang === "zh-CN";
      const page = await open(file);
      assertEqual(await page.locator("label[for='cz-6-pick']").textContent(), zh ? "上传文档" : "Upload a document", "the picker's label");
      const note = (name) => control(page, name).locator("xpath=..").locator(".cz-note");
      const picker = (name) => control(page, name).locator("xpath=..").locator("input.cz-picker");
      // file_id: the answer becomes Coze's {"file_id": …} JSON text.
      await picker("contract").setInputFiles({ name: "合同.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 contract") });
      await page.waitForFunction(() => document.querySelector("#cz-6-note").dataset.state === "ok", null, { timeout: 5000 });
      assertEqual(await control(page, "contract").inputValue(), '{"file_id":"F1"}', "the file_id as the value");
      assertEqual(await note("contract").textContent(), zh ? "已上传 合同.pdf：file_id 已填入上方。" : "Uploaded 合同.pdf: its file_id is filled in above.", "the note");
      assertEqual(received.length, 1, "one upload");
      assertEqual([received[0].method, received[0].url], ["POST", "/upload?kind=coze"], "POSTed to the URL");
      assert(received[0].type.startsWith("multipart/form-data; boundary="), `multipart: ${received[0].type}`);
      assert(received[0].body.includes('Content-Disposition: form-data; name="file"; filename="'), "field `file`");
      assert(received[0].body.includes("%PDF-1.4 contract"), "the file's bytes");
      // url: in an array row.
      mode = "url";
      await addRow(page, "photos");
      await picker("photos[0]").setInputFiles({ name: "p.png", mimeType: "image/png", buffer: Buffer.from("png!") });
      await page.waitForFunction(() => document.querySelector("#cz-8-note_0").dataset.state === "ok", null, { timeout: 5000 });
      assertEqual(await control(page, "photos[0]").inputValue(), "https://cdn.example.com/p/1.png", "the url as the value");
      // A failure shows next to the field and leaves the value as it was.
      mode = "fail";
      await picker("contract").setInputFiles({ name: "b.pdf", mimeType: "application/pdf", buffer: Buffer.from("b") });
      await page.waitForFunction(() => document.querySelector("#cz-6-note").dataset.state === "error", null, { timeout: 5000 });
      const failure = await note("contract").textContent();
      assert(failure.includes("500") && failure.includes(zh ? "b.pdf 上传失败" : "Could not upload b.pdf"), `failure: ${failure}`);
      assertEqual(await control(page, "contract").inputValue(), '{"file_id":"F1"}', "the value is kept");
      // While a file is on its way, submitting asks to wait for it.
      mode = "slow";
      await addRow(page, "photos");
      await picker("photos[1]").setInputFiles({ name: "slow.png", mimeType: "image/png", buffer: Buffer.from("slow") });
      await page.waitForFunction(() => document.querySelector("#cz-8-note_1").dataset.state === "busy", null, { timeout: 5000 });
      const busy = await page.locator("#cz-8-note_1").textContent();
      assert(busy.includes(zh ? "正在上传 slow.png" : "Uploading slow.png"), `progress: ${busy}`);
      await control(page, "customer_name").fill("Ada");
      await addRow(page, "lines");
      await control(page, "lines[0].sku").fill("S");
      for (let i = 0; i < 50 && !release; i++) await new Promise((r) => setTimeout(r, 50));
      assertEqual(await submit(page), undefined, "blocked while uploading");
      assertEqual((await errorsByField(page))["photos[1]"], zh ? "请等待文件上传完成。" : "Wait until the file has been uploaded.", "wait");
      mode = "url";
      release();
      release = null;
      await page.waitForFunction(() => document.querySelector("#cz-8-note_1").dataset.state === "ok", null, { timeout: 5000 });
      assertEqual((await errorsByField(page))["photos[1]"], undefined, "the wait message clears");
      const sent = await submitRaw(page);
      assert(sent, "submits once uploaded");
      assert(sent.json.includes('"contract":"{\\"file_id\\":\\"F1\\"}"'), `payload: ${sent.json}`);
      const payload = JSON.parse(sent.json);
      assertEqual(payload.photos, ["https://cdn.example.com/p/1.png", "https://cdn.example.com/p/1.png"], "urls");
      validate(`zh_order_upload_${lang}`, payload);
      await page.screenshot({ path: join(config.screenshots, `upload-${lang}.png`), fullPage: true });
      // The browser logs the failed upload's 500 itself; anything else is a problem.
      const logged = page.problems.filter((p) => p.includes("status of 500"));
      assertEqual(logged.length, 1, "the one failed upload");
      page.problems.splice(0, page.problems.length, ...page.problems.filter((p) => !logged.includes(p)));
      await finish(page);
    }
  } finally {
    server.close();
  }
});

// axe-core's engine, run in the page through the DevTools protocol (the page's CSP would refuse
// a script tag): its serious and critical violations, as "rule: target" lines.
scenario("chatflow: a required message box; the form emits the chat request (workflow_id, app_id, additional_messages, parameters without USER_INPUT), and --action POSTs it", async () => {
  const received = [];
  const server = createServer((req, res) => {
    const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ url: req.url, body });
      res.writeHead(200, { ...cors, "Content-Type": "text/event-stream" });
      res.end("event: done\ndata: {}\n\n");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/v1/workflows/chat`;
    const file = join(config.work, "chatflow-action.html");
    execFileSync(config.bin, ["html", join(config.corpus, "chatflow.json"), "--quiet", "--action", url, "-o", file]);
    const page = await open(file);
    const { issues, names } = await structure(page);
    assertEqual(issues, [], "structure");
    assertEqual(names, ["additional_messages", "CONVERSATION_NAME", "city", "days"], "controls: the message box first, no USER_INPUT parameter");
    const box = page.locator("#cz-message");
    assert(await box.evaluate((e) => e.matches("textarea[required]")), "the message box is a required textarea");
    assertEqual((await box.evaluate((e) => e.labels[0].textContent)).replace(/\s+/g, " ").trim(), "Message USER_INPUT *", "the message box's label");
    assert((await page.locator("#cz-message-help").textContent()).includes("The traveller's question"), "the message's description is its help");
    // Nothing typed: the message and the required city are flagged, the message first.
    assertEqual(await submitRaw(page), undefined, "an empty chat is refused");
    assertEqual(await errorsByField(page), { additional_messages: "Write a message: a chat sends one.", city: "This field is required." }, "errors");
    assertEqual(await page.evaluate(() => document.activeElement.id), "cz-message", "focus on the message box");
    assertEqual(await page.locator(".cz-summary a").first().textContent(), "Message", "the summary names the message box");
    // Blanks only are no message either; typing one clears the error.
    await box.fill("  \n ");
    await control(page, "city").fill("Paris");
    assertEqual(await submitRaw(page), undefined, "a blank message is refused");
    assertEqual(await errorsByField(page), { additional_messages: "Write a message: a chat sends one." }, "only the message is flagged");
    await box.fill("When should I go?\nIn May?");
    assertEqual(await errorsByField(page), {}, "the error clears as soon as there is a message");
    await control(page, "days").fill("5");
    const sent = await submitRaw(page);
    assert(sent, "submitted");
    assertEqual(sent.json, '{"city":"Paris","days":5}', "the parameters, without USER_INPUT");
    validate("chatflow", JSON.parse(sent.json));
    assertEqual(sent.message, "When should I go?\nIn May?", "the listener gets the message");
    const request = {
      workflow_id: "7507120000000091219",
      app_id: "7493481000000008294",
      additional_messages: [{ role: "user", content: "When should I go?\nIn May?", content_type: "text" }],
      parameters: { city: "Paris", days: 5 },
    };
    assertEqual(JSON.parse(sent.request), request, "the chat request");
    assertEqual(JSON.parse(await page.locator(".cz-out").textContent()), request, "the chat request is shown");
    assertEqual(await page.locator(".cz-result-title").first().textContent(), "Chat request", "the result's title");
    await page.waitForFunction(() => document.querySelector(".cz-status").dataset.state, null, { timeout: 5000 });
    assertEqual(received.length, 1, "one POST");
    assertEqual(received[0].url, "/v1/workflows/chat", "path");
    assertEqual(received[0].body, sent.request, "the POST body is the chat request, exactly");
    await page.screenshot({ path: join(config.screenshots, "chatflow.png"), fullPage: true });
    await finish(page);
  } finally {
    server.close();
  }
});


scenario("accessibility: no serious or critical axe-core violations, in English and Chinese, untouched, with errors shown and after an upload", async () => {
  const pages = [
    ["order_intake", config.pages.order_intake],
    ["all_types", config.pages.all_types],
    ["arrays", config.pages.arrays],
    ["chatflow", config.pages.chatflow],
    ["zh_order", zhOrder("zh_order_axe", ["--upload-action", "http://127.0.0.1:9/upload"])],
  ];
  for (const [name, file] of pages) {
    for (const colorScheme of ["light", "dark"]) {
      const page = await open(file, { colorScheme });
      if (name === "arrays") await addRow(page, "rows");
      assertEqual(await axeProblems(page), [], `${name} (${colorScheme})`);
      await submit(page);
      assertEqual(await axeProblems(page), [], `${name} after submitting (${colorScheme})`);
      await finish(page);
    }
  }
});

// Two scenarios at a time (each opens its own pages, files and servers); after a failure no
// new scenario starts.
let failed = false;
let next = 0;
async function worker() {
  while (!failed && next < scenarios.length) {
    const { name, fn } = scenarios[next++];
    const started = Date.now();
    try {
      await fn();
      console.log(`ok ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      console.log(`FAILED ${name}`);
      console.error(`FAILED ${name}\n${e.stack || e}`);
      failed = true;
    }
  }
}
await Promise.all([worker(), worker()]);
await context.close();
rmSync(profile, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
