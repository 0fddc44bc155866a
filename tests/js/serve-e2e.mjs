// End-to-end tests of `cozegen serve` in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core). Run by tests/it/serve.rs, which starts the fake Coze and the server first:
// workflow 1 has hostile names and a photo field, 2 is described in Chinese, 3 is a chatflow.
// The fake Coze answers a run by its `city`: Slow (streams, never ends), Oslo (ends), Ask (a
// question), Form (an input node), Fail (Coze's error with a logid).
//
// usage: node serve-e2e.mjs CONFIG.json
// CONFIG: {"url": the index's URL, "screenshots": dir, "component": {"port": the port of the
// embedding app's page (listed with --allow-origin), "module": the component module's path}}
// One browser for every scenario, one after another (they share the server's run list); prints
// one line per passed scenario ("ok NAME (TIME)") and exits 1 after the first failure.
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { chromium } from "playwright-core";
import { axeProblems } from "./axe.mjs";
import { watch, finish } from "./problems.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
mkdirSync(config.screenshots, { recursive: true });
const base = config.url.replace(/\/$/, "");

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}:\n  expected ${JSON.stringify(expected)}\n    actual ${JSON.stringify(actual)}`);
  }
}

const profile = mkdtempSync(join(tmpdir(), "cozegen-serve-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 900, height: 900 },
});

// Opens a served page with its problems recorded (problems.mjs; a scenario adds to
// `page.expected` the console lines it causes on purpose: the browser logs a 4xx answer itself).
async function open(path, options = {}) {
  const page = await context.newPage();
  if (options.viewport) await page.setViewportSize(options.viewport);
  watch(page);
  const answer = await page.goto(base + path);
  assertEqual(answer.status(), 200, `GET ${path}`);
  if (path.startsWith("/w/") && !path.endsWith("/runs")) {
    await page.waitForSelector("#cozegen-form[data-cz-ready=ready]", { state: "attached", timeout: 5000 });
  }
  return page;
}


async function noSideScroll(page, what) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert(widths[0] <= widths[1], `${what}: scrolls sideways (${widths[0]} px in ${widths[1]} px)`);
}

const control = (page, name) => page.locator(`#cozegen-form [name=${JSON.stringify(name)}]`);
const text = (page, selector) => page.locator(selector).evaluate((e) => e.textContent);
const panelState = (page, state) =>
  page.waitForFunction((s) => document.getElementById("sv-run").dataset.state === s, state, { timeout: 10000 });

async function submitRun(page, city, days) {
  await control(page, "city").fill(city);
  if (days !== undefined) await control(page, "days").fill(String(days));
  await page.locator("#cozegen-form .cz-submit").click();
}

const scenarios = [];
const scenario = (name, body) => scenarios.push([name, body]);

scenario("index: every workflow listed, hostile names as text, axe-core clean, no sideways scroll at 375 px", async () => {
  const page = await open("/", { viewport: { width: 375, height: 800 } });
  const titles = await page.locator(".sv-item h2").evaluateAll((hs) => hs.map((h) => h.textContent));
  assertEqual(titles, ["<script>alert('name')</script>", "order_intake_cn", "trip_advisor"], "the listed workflows");
  assertEqual(await page.locator(".sv-item script, .sv-item img").count(), 0, "no markup from a name");
  assertEqual(await axeProblems(page), [], "axe-core on the index");
  await noSideScroll(page, "the index");
  await finish(page);
});

scenario("a run's events stream into the panel as they come, before the run ends; the page may leave", async () => {
  const page = await open("/w/1");
  await submitRun(page, "Slow");
  // The fake Coze holds the end back for ten minutes: the text can only be the stream's.
  await page.waitForFunction(() => document.getElementById("sv-stream").textContent.includes("Looking at the sky"), null, { timeout: 10000 });
  assertEqual(await page.locator("#sv-run").getAttribute("data-state"), "running", "still running");
  assert(await page.locator("#sv-output").isHidden(), "no output before the end");
  await finish(page);
});

scenario("fill and submit: the output is shown checked against the end node, with the trace link; axe-core clean after the run, light and dark", async () => {
  const page = await open("/w/1");
  await submitRun(page, "Oslo", 3);
  await panelState(page, "ok");
  assert((await text(page, "#sv-stream")).includes("Looking at the sky"), "the events are shown");
  assert(await page.locator("#sv-events-title").isVisible(), "under their heading");
  assertEqual(JSON.parse(await text(page, "#sv-out")), { answer: "sunny in Oslo" }, "the output");
  assertEqual(await text(page, "#sv-check"), "The output fits the end node.", "checked");
  assertEqual(await page.locator("#sv-links a").getAttribute("href"), "https://www.coze.cn/work_flow?execute_id=7001", "the trace link");
  assertEqual(await text(page, "#sv-status"), "The run finished.", "the status");
  assertEqual(await axeProblems(page), [], "axe-core after a run");
  await page.emulateMedia({ colorScheme: "dark" });
  assertEqual(await axeProblems(page), [], "axe-core after a run, dark");
  await page.screenshot({ path: join(config.screenshots, "serve-run.png"), fullPage: true });
  await finish(page);
});

scenario("a question interrupt shows its question and resumes the run with the answer", async () => {
  const page = await open("/w/1");
  await submitRun(page, "Ask");
  await page.waitForSelector("#sv-answer", { state: "visible", timeout: 10000 });
  assertEqual(await text(page, "#sv-question"), "Which day?", "the question");
  assertEqual(await page.evaluate(() => document.activeElement.id), "sv-answer-text", "focus on the answer");
  assertEqual(await axeProblems(page), [], "axe-core while asking");
  await page.locator("#sv-answer-text").fill("Friday");
  await page.locator("#sv-answer .cz-submit").click();
  await panelState(page, "ok");
  assertEqual(JSON.parse(await text(page, "#sv-out")), { answer: "resumed with Friday" }, "the resumed output");
  assert(await page.locator("#sv-answer").isHidden(), "the question is gone");
  await finish(page);
});

scenario("an input node's parameters are a small form: the server checks the answer, then resumes", async () => {
  const page = await open("/w/1");
  page.expected.push(/status of 422/);
  await submitRun(page, "Form");
  await page.waitForSelector("#sv-answer-fields input", { state: "visible", timeout: 10000 });
  assertEqual(await text(page, "#sv-question"), "Who are you?", "the question");
  const labels = await page.locator("#sv-answer-fields label").evaluateAll((ls) => ls.map((l) => l.textContent));
  assertEqual(labels, ["name (string) *", "age (integer)", "tags (array)"], "one field per parameter");
  assert((await text(page, "#sv-answer-fields")).includes("As on your badge"), "the parameter's description");
  assert(await page.locator("#sv-answer-box").isHidden(), "no free-text box");
  assertEqual(await page.locator("#sv-answer-fields [data-name=tags]").evaluate((e) => e.tagName), "TEXTAREA", "an array is typed as JSON");
  // No name, and a number among the tags: the server names both, and nothing is resumed.
  await page.locator("#sv-answer-fields [data-name=age]").fill("36");
  await page.locator("#sv-answer-fields [data-name=tags]").fill("[1]");
  await page.locator("#sv-answer .cz-submit").click();
  await page.waitForFunction(() => document.getElementById("sv-answer-problems").children.length > 0, null, { timeout: 10000 });
  const problems = await page.locator("#sv-answer-problems li").evaluateAll((ls) => ls.map((l) => l.textContent.split(":")[0]));
  assertEqual(problems.sort(), ["name", "tags[0]"], "the answer's problems, by path");
  assert(await page.locator("#sv-answer").isVisible(), "the form stays for a second try");
  await page.locator("#sv-answer-fields [data-name=name]").fill("Ada");
  await page.locator("#sv-answer-fields [data-name=tags]").fill('["a","b"]');
  await page.locator("#sv-answer .cz-submit").click();
  await panelState(page, "ok");
  assertEqual(JSON.parse(await text(page, "#sv-out")), { answer: 'resumed with {"name":"Ada","age":36,"tags":["a","b"]}' }, "the resumed output");
  await finish(page);
});

scenario("Coze's error shows its code, message and logid; axe-core clean, light and dark", async () => {
  const page = await open("/w/1");
  await submitRun(page, "Fail");
  await panelState(page, "error");
  const error = await text(page, "#sv-error");
  for (const part of ["4000", "Request parameter error", "20250101LOGID"]) assert(error.includes(part), `the error names ${part}: ${error}`);
  assertEqual(await text(page, "#sv-status"), "Coze refused the run", "the status");
  assertEqual(await axeProblems(page), [], "axe-core with an error shown");
  await page.emulateMedia({ colorScheme: "dark" });
  assertEqual(await axeProblems(page), [], "axe-core with an error shown, dark");
  await finish(page);
});

scenario("a request this server refuses (no request secret) says so, and is not mistaken for Coze's answer", async () => {
  const page = await open("/w/1");
  page.expected.push(/status of 403/);
  await page.route("**/w/1/run", (route) => {
    const headers = { ...route.request().headers() };
    delete headers["x-cozegen-secret"];
    route.continue({ headers });
  });
  await submitRun(page, "Oslo");
  await panelState(page, "error");
  assertEqual(await text(page, "#sv-status"), "This server refused the request (HTTP 403)", "the status");
  assert((await text(page, "#sv-error")).includes("request secret"), "the server's reason");
  await finish(page);
});

scenario("a picked file is uploaded through the server to Coze, and the run sends its file_id", async () => {
  const page = await open("/w/1");
  const picker = control(page, "photo").locator("xpath=..").locator("input.cz-picker");
  await picker.setInputFiles({ name: "sky <1>.png", mimeType: "image/png", buffer: Buffer.from("PNG sky bytes") });
  const note = control(page, "photo").locator("xpath=..").locator(".cz-note");
  await page.waitForFunction((n) => n.dataset.state === "ok" || n.dataset.state === "error", await note.elementHandle(), { timeout: 10000 });
  assertEqual(await note.getAttribute("data-state"), "ok", `the upload: ${await note.textContent()}`);
  assertEqual(await control(page, "photo").inputValue(), '{"file_id":"F-77"}', "the file_id is the value");
  await submitRun(page, "Oslo");
  await panelState(page, "ok");
  await finish(page);
});

scenario("zh-CN: a workflow described in Chinese gets a Chinese page that runs, axe-core clean and without sideways scroll at 375 px", async () => {
  const page = await open("/w/2", { viewport: { width: 375, height: 800 } });
  assertEqual(await page.evaluate(() => document.documentElement.lang), "zh-CN", "the page's language");
  assertEqual(await text(page, "#sv-run-title"), "运行", "the run panel's title");
  await control(page, "customer_name").fill("王芳");
  await control(page, "lines").locator(":scope > .cz-add").click();
  await control(page, "lines[0].sku").fill("SKU-1");
  await page.locator("#cozegen-form .cz-submit").click();
  await panelState(page, "ok");
  assertEqual(await text(page, "#sv-status"), "运行已结束。", "the status in Chinese");
  assertEqual(await axeProblems(page), [], "axe-core on the Chinese page");
  await noSideScroll(page, "the Chinese page after a run");
  await page.screenshot({ path: join(config.screenshots, "serve-zh-375.png"), fullPage: true });
  await finish(page);
});

scenario("chatflow: the message goes through the chat endpoint; a question is answered as the next message", async () => {
  const page = await open("/w/3");
  await page.locator("#cz-message").fill("When should I go?");
  await control(page, "city").fill("Paris");
  await page.locator("#cozegen-form .cz-submit").click();
  await panelState(page, "ok");
  assertEqual(await text(page, "#sv-out"), "Go in May.", "the chatflow's answer");
  await page.locator("#cz-message").fill("Ask me");
  await page.locator("#cozegen-form .cz-submit").click();
  await page.waitForSelector("#sv-answer", { state: "visible", timeout: 10000 });
  assert((await text(page, "#sv-question")).includes("Which month?"), "the chatflow's question");
  await page.locator("#sv-answer-text").fill("June");
  await page.locator("#sv-answer .cz-submit").click();
  await panelState(page, "ok");
  assertEqual(await text(page, "#sv-out"), "June it is.", "the answer in the same conversation");
  assertEqual(await axeProblems(page), [], "axe-core on the chatflow's page");
  await finish(page);
});

scenario("the runs page lists this session's runs with status, execute id and trace link; axe-core clean at 375 px", async () => {
  const page = await open("/w/1/runs", { viewport: { width: 375, height: 800 } });
  const rows = await page.locator("tbody tr").evaluateAll((rs) => rs.map((r) => [r.cells[0].textContent, r.dataset.status]));
  assertEqual(
    rows,
    [
      ["6", "status.succeeded"],
      ["5", "status.failed"],
      ["4", "status.succeeded"],
      ["3", "status.succeeded"],
      ["2", "status.succeeded"],
      ["1", "status.running"],
    ],
    "the runs, newest first",
  );
  assertEqual(await page.locator("tbody tr:nth-child(5) a").getAttribute("href"), "https://www.coze.cn/work_flow?execute_id=7001", "the trace");
  assertEqual(await page.locator("tbody tr:nth-child(5) code").textContent(), "7001", "the execute id");
  assertEqual(await axeProblems(page), [], "axe-core on the runs page");
  await noSideScroll(page, "the runs page");
  await finish(page);
});

// A form embedded with `cozegen html --component` in another app: its page is served here, on
// config.component.port, which the server lists with --allow-origin as http://127.0.0.1:PORT;
// the same page reached as http://localhost:PORT is another origin, not listed.
async function startSite() {
  const { createServer } = await import("node:http");
  const moduleText = readFileSync(config.component.module, "utf8");
  const csp = `default-src 'self'; connect-src ${base}`;
  const page = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>An app of its own</title>
<script type="module" src="/form.js"></script></head>
<body><main><h1>An app of its own</h1><cozegen-form action="${base}/w/1/run"></cozegen-form></main></body></html>`;
  const site = createServer((req, res) => {
    const [type, body] =
      req.url === "/" ? ["text/html; charset=utf-8", page] : req.url === "/form.js" ? ["text/javascript", moduleText] : [null, ""];
    res.writeHead(type ? 200 : 404, type ? { "content-type": type, "content-security-policy": csp } : {});
    res.end(body);
  });
  await new Promise((ready) => site.listen(config.component.port, "127.0.0.1", ready));
  return site;
}

scenario("a component on an origin listed with --allow-origin sends its run to the server and shows the answer; an unlisted origin's is refused", async () => {
  const site = await startSite();
  try {
    for (const [origin, city, listed] of [
      [`http://127.0.0.1:${config.component.port}`, "Lisbon", true],
      [`http://localhost:${config.component.port}`, "Rome", false],
    ]) {
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      assertEqual((await page.goto(`${origin}/`)).status(), 200, `the app's page at ${origin}`);
      await page.waitForFunction(() => customElements.get("cozegen-form") !== undefined, null, { timeout: 5000 });
      await page.locator("cozegen-form [name=city]").fill(city);
      await page.locator("cozegen-form .cz-submit").click();
      await page.waitForFunction(
        () => ["ok", "error"].includes(document.querySelector("cozegen-form").shadowRoot.querySelector(".cz-status").dataset.state),
        null,
        { timeout: 10000 },
      );
      const state = await page.locator("cozegen-form .cz-status").getAttribute("data-state");
      const answer = await page.locator("cozegen-form .cz-response-body").textContent();
      if (listed) {
        assertEqual(state, "ok", `the run from ${origin}`);
        assert(answer.includes(`sunny in ${city}`), `the run's events are the answer: ${answer}`);
      } else {
        assertEqual(state, "error", `the run from ${origin}`);
      }
      assertEqual(errors, [], `no page error at ${origin}`);
      await page.close();
    }
  } finally {
    site.close();
  }
});

let failed = false;
try {
  for (const [name, body] of scenarios) {
    const started = performance.now();
    try {
      await body();
      console.log(`ok ${name} (${Math.round(performance.now() - started)} ms)`);
    } catch (e) {
      console.log(`FAILED ${name}\n${e.stack || e}`);
      failed = true;
      break;
    }
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
