// End-to-end tests of cozegen's HTML form in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core). Run by tests/html.rs, which generates the pages first.
//
// usage: node form-e2e.mjs CONFIG.json
// CONFIG: {"bin": cozegen binary, "corpus": dir, "pages": {doc: html}, "schemas": {doc: json},
//          "fragment": html fragment file, "work": scratch dir, "screenshots": dir}
// Prints one line per passed scenario ("ok NAME") and exits 1 after the first failure.
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual, inspect } from "node:util";
import { chromium } from "playwright-core";
import Ajv2020 from "ajv/dist/2020.js";

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

// Opens a page from disk with its problems recorded: console errors (CSP violations show up
// there), uncaught exceptions, and dialogs (which a hostile description might try to open).
async function open(file, options = {}) {
  const page = await context.newPage();
  if (options.viewport) await page.setViewportSize(options.viewport);
  if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("#cozegen-form[data-cz-ready=ready]", { state: "attached", timeout: 5000 });
  await page.evaluate(() => {
    window.__submits = [];
    document.addEventListener("cozegen:submit", (e) => {
      window.__submits.push(JSON.parse(JSON.stringify(e.detail.parameters)));
    });
  });
  page.problems = problems;
  return page;
}

async function finish(page) {
  const problems = page.problems;
  await page.close();
  assert(problems.length === 0, `the page reported problems:\n  ${problems.join("\n  ")}`);
}

const control = (page, name) => page.locator(`#cozegen-form [name=${JSON.stringify(name)}]`);

async function submit(page) {
  const before = await page.evaluate(() => window.__submits.length);
  await page.locator(".cz-submit").click();
  await page.waitForTimeout(50);
  const submits = await page.evaluate(() => window.__submits);
  return submits.length > before ? submits[submits.length - 1] : undefined;
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
      const label = holder.matches("fieldset")
        ? holder.querySelector(":scope > legend")
        : el.labels && el.labels[0];
      if (!label) issues.push(`${el.getAttribute("name")} has no label`);
      const text = label ? label.textContent : "";
      const expected = node.key !== undefined ? node.key : null;
      if (expected !== null && !text.startsWith(expected)) issues.push(`label ${JSON.stringify(text)} does not start with ${JSON.stringify(expected)}`);
      for (const id of (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)) {
        if (!document.getElementById(id)) issues.push(`${el.getAttribute("name")}: aria-describedby ${id} is missing`);
      }
      if (node.required && !holder.matches("fieldset") && el.type !== "checkbox" && !el.required) {
        issues.push(`${el.getAttribute("name")} is required but lacks the attribute`);
      }
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

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario("every corpus form loads cleanly, labels every control, and submits a valid payload or says why not", async () => {
  for (const [doc, file] of Object.entries(config.pages)) {
    const page = await open(file);
    const { issues } = await structure(page);
    assert(issues.length === 0, `${doc}: ${issues.join("; ")}`);
    const payload = await submit(page);
    if (payload !== undefined) {
      validate(doc, payload);
    } else {
      const errors = await visibleErrors(page);
      assert(errors.length > 0 && errors.every((e) => e.visible && e.message), `${doc}: blocked without a visible message`);
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
  assertEqual(await control(page, "dry_run").isChecked(), false, "dry_run default");

  await control(page, "title").fill("Quarterly report");
  await control(page, "count").fill("12");
  await control(page, "temperature").fill("0.25");
  await control(page, "dry_run").check();
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

  const payload = await submit(page);
  assertEqual(
    payload,
    {
      title: "Quarterly report",
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
    },
    "all_types payload"
  );
  validate("all_types", payload);
  const shown = JSON.parse(await page.locator(".cz-out").textContent());
  assertEqual(shown, payload, "the page shows the payload it sent");
  await page.screenshot({ path: join(config.screenshots, "all_types-light.png"), fullPage: true });
  await finish(page);
});

scenario("arrays: rows of objects, nested arrays and arrays of arrays add, remove and renumber", async () => {
  const page = await open(config.pages.arrays);
  assertEqual(await rowCount(page, "grid"), 2, "grid rows from the default");
  assertEqual(await control(page, "grid[1][1]").inputValue(), "3.25", "grid[1][1] default");

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
  // After the removal, what was rows[1] is rows[0], names and labels included.
  assertEqual(await control(page, "rows[0].tags[1]").inputValue(), "big", "renamed after removal");
  const legend = await control(page, "rows[0]").locator(":scope > legend .cz-name").textContent();
  assertEqual(legend, "rows[0]", "item legend renumbered");

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
  // customer.address.city left empty; lines has no row.
  let payload = await submit(page);
  assertEqual(payload, undefined, "submission is blocked");
  const errors = await visibleErrors(page);
  const byField = Object.fromEntries(errors.map((e) => [e.field, e]));
  assert(byField["customer.address.city"]?.visible, `no visible error at customer.address.city: ${JSON.stringify(errors)}`);
  assert(byField["lines"]?.message.includes("at least one"), `no visible error at lines: ${JSON.stringify(errors)}`);
  assertEqual(await control(page, "customer.address.city").getAttribute("aria-invalid"), "true", "aria-invalid");
  assert(await page.locator(".cz-summary").isVisible(), "summary is shown");
  const focused = await page.evaluate(() => document.activeElement.getAttribute("name"));
  assertEqual(focused, "customer.address.city", "focus moves to the first problem");
  await page.screenshot({ path: join(config.screenshots, "order_intake-errors.png"), fullPage: true });

  await control(page, "customer.address.city").fill("Springfield");
  await addRow(page, "lines");
  await control(page, "lines[0].sku").fill("SKU-9");
  await control(page, "priority").fill("");
  payload = await submit(page);
  assert(payload !== undefined, `still blocked: ${JSON.stringify(await visibleErrors(page))}`);
  assertEqual(payload.customer, { name: "Ada", address: { street: "1 Main St", city: "Springfield" } }, "customer");
  assertEqual(payload.lines, [{ sku: "SKU-9", qty: 1, gift_wrap: false }], "lines");
  assert(!("priority" in payload), "an emptied optional field is omitted");
  assertEqual(await visibleErrors(page), [], "errors clear once fixed");
  validate("order_intake", payload);
  await finish(page);
});

scenario("odd_shapes: bad JSON is reported next to their fields", async () => {
  const page = await open(config.pages.odd_shapes);
  await control(page, "no_type").fill("not json");
  await control(page, "bare_object").fill("[1]");
  await control(page, "required_as_text").fill("x");
  await control(page, "required_odd").fill("x");
  await addRow(page, "bare_array");
  const payload = await submit(page);
  assertEqual(payload, undefined, "blocked");
  const errors = Object.fromEntries((await visibleErrors(page)).map((e) => [e.field, e.message]));
  assert(/JSON/.test(errors.no_type || ""), `no_type: ${JSON.stringify(errors)}`);
  assert(/object/.test(errors.bare_object || ""), `bare_object: ${JSON.stringify(errors)}`);
  assert(/remove/.test(errors["bare_array[0]"] || ""), `bare_array[0]: ${JSON.stringify(errors)}`);
  await control(page, "no_type").fill('"text"');
  await control(page, "bare_object").fill('{"k": [1, 2]}');
  await control(page, "bare_array[0]").fill("null");
  const ok = await submit(page);
  assert(ok !== undefined, `blocked: ${JSON.stringify(await visibleErrors(page))}`);
  assertEqual(ok.no_type, "text", "any");
  assertEqual(ok.bare_object, { k: [1, 2] }, "map");
  assertEqual(ok.bare_array, [null], "array of any");
  validate("odd_shapes", ok);
  await finish(page);
});

scenario("optional booleans start unset and are omitted until touched; an untouched optional object is omitted", async () => {
  const page = await open(config.pages.hostile_names);
  await control(page, "type").fill("t");
  const unset = await control(page, "Self").evaluate((e) => e.indeterminate);
  assertEqual(unset, true, "optional boolean without a default starts indeterminate");
  let payload = await submit(page);
  assert(!("Self" in payload) && !("option" in payload) && !("Option" in payload), `omitted: ${JSON.stringify(payload)}`);
  await control(page, "Self").check();
  await control(page, "Self").uncheck();
  await control(page, "option.box").check();
  payload = await submit(page);
  assertEqual(payload.Self, false, "touched and unticked is false");
  assertEqual(payload.option, { box: true }, "option");
  validate("hostile_names", payload);
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

scenario("--action POSTs {parameters} as JSON to the given URL and shows the answer", async () => {
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
    const payload = await submit(page);
    await page.waitForFunction(() => document.querySelector(".cz-status").dataset.state, null, { timeout: 5000 });
    assertEqual(received.length, 1, "one POST");
    assertEqual(received[0].method, "POST", "method");
    assertEqual(received[0].url, "/run", "path");
    assertEqual(received[0].type, "application/json", "content type");
    assertEqual(JSON.parse(received[0].body), { parameters: payload }, "body");
    assertEqual(payload, { rows: [{ sku: "X", qty: 1 }], grid: [[0.5, 1], [2, 3.25]] }, "payload");
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
  let bubbled = 0;
  await page.exposeFunction("__bubbled", () => bubbled++);
  await page.evaluate(() => document.body.addEventListener("cozegen:submit", () => window.__bubbled()));
  await control(page, "customer.name").fill("Ada");
  await control(page, "customer.address.street").fill("s");
  await control(page, "customer.address.city").fill("c");
  await addRow(page, "lines");
  await control(page, "lines[0].sku").fill("k");
  const payload = await submit(page);
  validate("order_intake", payload);
  await page.waitForTimeout(50);
  assertEqual(bubbled, 1, "the event bubbles to the host");
  await finish(page);
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
    await page.locator("input.cz-control").fill("bottom");
    // As text: Playwright cannot pass an object this deep out of the page.
    await page.locator(".cz-submit").click();
    await page.waitForTimeout(50);
    const text = await page.evaluate(() => (window.__submits.length ? JSON.stringify(window.__submits.at(-1)) : null));
    const payload = text === null ? undefined : JSON.parse(text);
    const summary = await page.locator(".cz-summary");
    if (readable) {
      let value = payload;
      for (let i = 0; i < levels; i++) {
        assert(value && typeof value === "object", `${levels} deep: no object at level ${i}: ${JSON.stringify(payload)}`);
        assertEqual(Object.keys(value), ["l" + i], `${levels} deep: keys at level ${i}`);
        value = value["l" + i];
      }
      assertEqual(value, "bottom", `${levels} deep: the value at the bottom`);
    } else {
      // Chromium flattens markup nested about 500 elements deep: the form must not send a
      // payload built from a broken tree, and must say why.
      assertEqual(payload, undefined, `${levels} deep: nothing is submitted`);
      assert(await summary.isVisible(), `${levels} deep: the summary is shown`);
      const message = await summary.textContent();
      assert(message.includes("could not be read") && message.includes("nested too deeply"), `${levels} deep: ${message}`);
    }
    await finish(page);
  }
});

scenario("screenshots: light, dark and narrow", async () => {
  for (const [name, options] of [
    ["order_intake-light", { colorScheme: "light" }],
    ["order_intake-dark", { colorScheme: "dark" }],
    ["order_intake-mobile", { colorScheme: "light", viewport: { width: 390, height: 844 } }],
    ["all_types-dark", { colorScheme: "dark" }],
  ]) {
    const doc = name.split("-")[0];
    const page = await open(config.pages[doc], options);
    if (doc === "order_intake") await addRow(page, "lines");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const viewport = page.viewportSize().width;
    assert(width <= viewport, `${name}: page is ${width}px wide in a ${viewport}px viewport`);
    await page.screenshot({ path: join(config.screenshots, `${name}.png`), fullPage: true });
    await finish(page);
  }
});

let failed = false;
for (const { name, fn } of scenarios) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (e) {
    console.log(`FAILED ${name}`);
    console.error(`FAILED ${name}\n${e.stack || e}`);
    failed = true;
    break;
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
