// Fills cozegen's HTML form with UI action plans in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) and reports what the form did. Run by the Rust
// conformance hooks (tests/it/common/form_plan.rs), which write the plans.
//
// usage: node form-fill.mjs CASES.json
// CASES: {"documents": [{"page": form.html, "cases": [{"name": "...", "actions": [{"op": ..., "name": ...}, ...]}]}],
//         "pages": N (optional: how many pages fill cases at once, default 3)}
// Prints a JSON array with one array per document, each with one outcome per case, in order:
//   {"outcome": "submitted", "json": detail.json of cozegen:submit}
//   {"outcome": "blocked", "errors": ["name: message", ...]}
//   {"outcome": "unfillable", "reason": "..."}
// One browser fills every case of every document, a few cases at a time, each on a freshly
// loaded copy of its page (the form keeps no state outside the document). Actions are real UI
// actions (typing, clicks, choosing an option); the form's internals are never called. A page
// that reports an error (a console error, an uncaught exception, a dialog) fails the whole run
// with exit code 1.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

class Unfillable extends Error {}

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
context.setDefaultTimeout(5000);

// A CSS string for an attribute selector: names are paths, which may hold quotes and
// backslashes (never raw control characters: cozegen escapes them in paths).
const css = (s) => '"' + s.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\a ") + '"';

// What the page shows under `name`, in one round trip: how many elements of the form have that
// name, and for the one element its kind, whether it is an object's or array's fieldset, the
// state of its include box, and whether it shows no value.
function describe(page, name) {
  return page.evaluate((name) => {
    const found = Array.from(document.querySelectorAll("#cozegen-form [name]")).filter((e) => e.getAttribute("name") === name);
    if (found.length !== 1) return { count: found.length };
    const e = found[0];
    const kind = e.matches("select") ? "select" : e.matches("textarea") ? "textarea" : e.matches("input") ? e.type : e.tagName.toLowerCase();
    const group = e.matches("fieldset.cz-group");
    const boxes = group ? e.querySelectorAll(":scope > legend .cz-include") : [];
    const empty = !group && kind !== "checkbox" && e.value === "";
    return { count: 1, kind, group, empty, includes: boxes.length, included: boxes.length === 1 ? boxes[0].checked : null };
  }, name);
}

const locate = (page, name) => page.locator(`#cozegen-form [name=${css(name)}]`);

// The one element of the form named `name`: a control, or the fieldset of an object or array.
async function named(page, name, what) {
  const d = await describe(page, name);
  if (d.count !== 1) throw new Unfillable(`no ${what} named ${JSON.stringify(name)} (${d.count} elements have that name)`);
  return { el: locate(page, name), ...d };
}

async function group(page, name) {
  const g = await named(page, name, "object or array");
  if (!g.group) throw new Unfillable(`${JSON.stringify(name)} is not an object or array`);
  return g;
}

async function leaf(page, name) {
  return named(page, name, "control");
}

// Clicks `box` until it shows `want` (a checkbox flips once per click); `now` is what it shows.
async function clickUntil(box, want, now) {
  for (let i = 0; i < 2 && now !== want; i++) {
    await box.click();
    now = await box.isChecked();
  }
  if (now !== want) throw new Unfillable(`the checkbox does not become ${want}`);
}

async function act(page, a) {
  switch (a.op) {
    case "include":
    case "exclude": {
      const g = await group(page, a.name);
      if (g.includes !== 1) throw new Unfillable(`${JSON.stringify(a.name)} has no include box (it is always sent)`);
      await clickUntil(g.el.locator(":scope > legend .cz-include"), a.op === "include", g.included);
      return;
    }
    case "empty": {
      const rows = (await group(page, a.name)).el.locator(":scope > .cz-rows > .cz-row");
      while ((await rows.count()) > 0) await rows.first().locator(":scope > .cz-remove").click();
      return;
    }
    case "add": {
      const add = (await group(page, a.name)).el.locator(":scope > .cz-add");
      if ((await add.count()) !== 1) throw new Unfillable(`${JSON.stringify(a.name)} is not an array`);
      await add.click();
      return;
    }
    case "text": {
      const { el, kind } = await leaf(page, a.name);
      if (!["textarea", "text", "number"].includes(kind)) throw new Unfillable(`text cannot be typed into the ${kind} ${JSON.stringify(a.name)}`);
      await el.fill(a.value);
      return;
    }
    case "time": {
      const { el, kind } = await leaf(page, a.name);
      if (kind !== "datetime-local") throw new Unfillable(`${JSON.stringify(a.name)} is a ${kind}, not a date and time picker`);
      await el.fill(a.value);
      return;
    }
    case "clear": {
      const { el, kind, empty } = await leaf(page, a.name);
      // A control that shows no value is left alone, as a person would leave it.
      if (empty && kind !== "checkbox") return;
      if (kind === "select") await el.selectOption("");
      else if (kind === "checkbox") throw new Unfillable(`the checkbox ${JSON.stringify(a.name)} always has a value`);
      else await el.fill("");
      return;
    }
    case "check": {
      const { el, kind } = await leaf(page, a.name);
      if (kind === "select") await el.selectOption(String(a.value));
      else if (kind === "checkbox") await clickUntil(el, a.value, await el.isChecked());
      else throw new Unfillable(`${JSON.stringify(a.name)} is a ${kind}, not a boolean`);
      return;
    }
    case "unfillable":
      throw new Unfillable(`${a.name || "the parameters"}: ${a.reason}`);
    default:
      throw new Error(`unknown op ${JSON.stringify(a.op)}`);
  }
}

// Clicks Submit until the form gets the submit event: a click the layout moved the button from
// under must not pass for a refusal.
async function clickSubmit(page) {
  for (let tries = 0; tries < 3; tries++) {
    await page.evaluate(() => {
      window.__czHandled = false;
      document.getElementById("cozegen-form").addEventListener("submit", () => (window.__czHandled = true), { once: true });
    });
    await page.locator("#cozegen-form .cz-submit").click();
    if (await page.evaluate(() => window.__czHandled)) return;
    await page.waitForTimeout(50);
    if (await page.evaluate(() => window.__czHandled)) return;
  }
  throw new Error("the Submit button could not be clicked");
}

// Fills one case on `page`, which it loads afresh with the form `file`.
async function runCase(page, file, c) {
  const problems = [];
  page.__czProblems = problems;
  try {
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("#cozegen-form[data-cz-ready=ready]", { state: "attached" });
    await page.evaluate(() => {
      document.addEventListener("cozegen:submit", (e) => {
        window.__czJson = e.detail.json;
      });
    });
    // A chatflow's form sends nothing without its message, which is no parameter.
    if (await page.locator("#cz-message").count()) await page.locator("#cz-message").fill("Hello");
    for (const a of c.actions) {
      try {
        await act(page, a);
      } catch (e) {
        if (e instanceof Unfillable) return { outcome: "unfillable", reason: e.message };
        // Playwright refuses what a control cannot take (text in a number box, a date that
        // does not exist): the value cannot be entered.
        const first = String(e.message).split("\n")[0];
        return { outcome: "unfillable", reason: `${a.op} ${JSON.stringify(a.name)}: ${first}` };
      }
    }
    await clickSubmit(page);
    const json = await page.evaluate(() => window.__czJson);
    if (typeof json === "string") return { outcome: "submitted", json };
    const errors = await page.evaluate(() => {
      const out = Array.from(document.querySelectorAll("#cozegen-form .cz-error:not([hidden])"), (e) => {
        const holder = e.parentElement;
        const el = holder.matches("fieldset") ? holder : holder.querySelector(".cz-control");
        return el.getAttribute("name") + ": " + e.textContent;
      });
      const summary = document.querySelector("#cozegen-form .cz-summary");
      if (!out.length && summary && !summary.hidden) out.push(summary.textContent);
      return out;
    });
    return { outcome: "blocked", errors };
  } finally {
    if (problems.length) throw new Error(`case ${c.name}: the page reported problems:\n  ${problems.join("\n  ")}`);
  }
}

// A page that reports what goes wrong on it to the case it is filling.
async function newPage() {
  const page = await context.newPage();
  page.on("console", (m) => {
    // Chromium notes a value it refuses to take (a date that does not exist typed into a date
    // and time picker): that is the filler's doing, and the form then sees an empty control.
    if (m.type() === "warning" && /does not conform to the required format/.test(m.text())) return;
    if (m.type() === "error" || m.type() === "warning") page.__czProblems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => page.__czProblems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    page.__czProblems.push(`dialog ${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.__czProblems = [];
  return page;
}

let status = 0;
try {
  const tasks = config.documents.flatMap((d, i) => d.cases.map((c, j) => ({ file: d.page, c, i, j })));
  const outcomes = config.documents.map((d) => new Array(d.cases.length));
  let next = 0;
  const worker = async () => {
    const page = await newPage();
    while (next < tasks.length) {
      const t = tasks[next++];
      outcomes[t.i][t.j] = await runCase(page, t.file, t.c);
    }
    await page.close();
  };
  const pages = Math.max(1, Math.min(config.pages || 3, tasks.length));
  await Promise.all(Array.from({ length: pages }, worker));
  console.log(JSON.stringify(outcomes));
} catch (e) {
  console.error(e.stack || String(e));
  status = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
