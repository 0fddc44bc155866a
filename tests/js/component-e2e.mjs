// End-to-end tests of `cozegen html --component` in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), one launch for every scenario. Run by
// tests/it/component.rs, which writes the site: the generated modules, and the examples of
// docs/component.md verbatim (index.html, page.js, OrderForm.jsx, theme.css).
//
// usage: node component-e2e.mjs CONFIG.json      CONFIG: {"site": dir}
// A server on 127.0.0.1 serves the site with `Content-Security-Policy: default-src 'self'` on
// every response, and answers POST /api/run (recording what it got). The React page is the
// doc's component bundled by esbuild: React 19 ships CommonJS only, no browser build, so a
// bundler is the way a React app loads it too. Prints "ok NAME" per scenario; exits 1 on the
// first failure.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { chromium } from "playwright-core";
import { build } from "esbuild";
import { axeProblems } from "./axe.mjs";
import { watch, finish } from "./problems.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const site = config.site;
const here = dirname(fileURLToPath(import.meta.url));

function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function assertEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}:\n  expected ${JSON.stringify(expected)}\n    actual ${JSON.stringify(actual)}`);
  }
}

// The pages the scenarios add to the doc's: modules only, so the strict policy holds.
const page = (title, body, modules) =>
  `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n` +
  modules.map((m) => `<script type="module" src="${m}"></script>\n`).join("") +
  `</head>\n<body>\n<h1>${title}</h1>\n${body}\n</body>\n</html>\n`;
writeFileSync(join(site, "react.html"), page("React", '<div id="root"></div>', ["react.js"]));
writeFileSync(join(site, "two.html"), page("Two workflows", '<order-intake action="/api/run"></order-intake>\n<trip-chat></trip-chat>', ["order-intake.js", "trip-chat.js"]));
writeFileSync(join(site, "clash.html"), page("Clash", "<cozegen-form></cozegen-form>", ["order-form.js", "order-form-again.js", "trip-default.js"]));
writeFileSync(join(site, "order-form-again.js"), readFileSync(join(site, "order-form.js")));
writeFileSync(join(site, "zh.html"), page("zh-CN", "<zh-order></zh-order>", ["zh-order.js"]));
// A page whose own module sets the element's headers before the element's module defines it.
writeFileSync(join(site, "upload.html"), page("Upload", "<zh-order></zh-order>", ["early-headers.js", "zh-order.js"]));
writeFileSync(join(site, "early-headers.js"), 'document.querySelector("zh-order").headers = { "X-Secret": "s3cret" };\n');
writeFileSync(join(site, "hostile.html"), page("Hostile", "<hostile-form></hostile-form>", ["hostile-form.js"]));
// The React app around the doc's component: what an app's entry point does.
writeFileSync(
  join(site, "main.jsx"),
  'import { createRoot } from "react-dom/client";\nimport { OrderForm } from "./OrderForm.jsx";\n' +
    "window.__reactSubmits = [];\n" +
    'createRoot(document.getElementById("root")).render(<OrderForm session="s-42" onSubmitted={(p) => window.__reactSubmits.push(p)} />);\n'
);
await build({
  entryPoints: [join(site, "main.jsx")],
  bundle: true,
  format: "esm",
  jsx: "automatic",
  outfile: join(site, "react.js"),
  nodePaths: [join(here, "node_modules")],
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "error",
});

// ---- The server -------------------------------------------------------------------------------
const received = [];
const uploads = [];
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const server = createServer((req, res) => {
  const csp = { "Content-Security-Policy": "default-src 'self'" };
  if (req.method === "POST" && req.url === "/api/run") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { ...csp, "Content-Type": "application/json" });
      res.end(JSON.stringify({ data: `run ${received.length}` }));
    });
    return;
  }
  if (req.method === "POST" && req.url === "/api/upload") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      uploads.push({ headers: req.headers, body: Buffer.concat(chunks).toString("latin1") });
      res.writeHead(200, { ...csp, "Content-Type": "application/json" });
      res.end(JSON.stringify({ file_id: `F${uploads.length}` }));
    });
    return;
  }
  // Browsers ask for one; the pages have none.
  if (req.url === "/favicon.ico") {
    res.writeHead(204, csp);
    res.end();
    return;
  }
  const path = req.url === "/" ? "/index.html" : req.url;
  const type = TYPES[extname(path)];
  let text = null;
  if (type && /^\/[A-Za-z0-9.-]+$/.test(path)) {
    try {
      text = readFileSync(join(site, path.slice(1)));
    } catch {
      text = null;
    }
  }
  if (text === null) {
    res.writeHead(404, csp);
    res.end();
    return;
  }
  res.writeHead(200, { ...csp, "Content-Type": type });
  res.end(text);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(join(tmpdir(), "cozegen-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 900, height: 900 },
});

// Opens a page of the site with its problems recorded (problems.mjs), once every element of
// `hosts` has its form running.
async function open(path, hosts, viewport) {
  const p = await context.newPage();
  if (viewport) await p.setViewportSize(viewport);
  watch(p);
  await p.goto(origin + path);
  await p.waitForFunction(
    (names) => names.every((n) => document.querySelector(n)?.shadowRoot?.querySelector("form[data-cz-ready=ready]")),
    hosts,
    { timeout: 5000 }
  );
  // Every cozegen-submit that reaches the document: from which element, with what.
  await p.evaluate(() => {
    window.__events = [];
    document.addEventListener("cozegen-submit", (e) => {
      window.__events.push({ from: e.target.localName, composed: e.composed, cancelable: e.cancelable, json: e.detail.json, parameters: e.detail.parameters, message: e.detail.message, request: e.detail.request });
    });
  });
  return p;
}

// The visible errors inside `host`'s shadow root, by control name.
const errors = (p, host) =>
  p.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    const out = {};
    for (const slot of root.querySelectorAll(".cz-error:not([hidden])")) {
      const holder = slot.parentElement;
      const control = holder.querySelector(":scope > .cz-control") || holder;
      out[control.getAttribute("name")] = slot.textContent;
    }
    return out;
  }, host);
const focusedName = (p, host) => p.evaluate((host) => document.querySelector(host).shadowRoot.activeElement?.getAttribute("name"), host);
const events = (p) => p.evaluate(() => window.__events);
// Locators pierce open shadow roots.
const control = (p, host, name) => p.locator(`${host} [name=${JSON.stringify(name)}]`);
const submit = (p, host) => p.locator(`${host} .cz-submit`).click();
const waitAnswered = (p, host) =>
  p.waitForFunction((host) => document.querySelector(host).shadowRoot.querySelector(".cz-status").dataset.state, host, { timeout: 5000 });


const ORDER = { customer: { name: "Ada", address: { street: "1 Main St", city: "Springfield" } }, lines: [] };
async function fillOrder(p, host) {
  await control(p, host, "customer.name").fill("Ada");
  await control(p, host, "customer.address.street").fill("1 Main St");
  await control(p, host, "customer.address.city").fill("Springfield");
}

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario("plain page (docs/component.md): errors in the shadow root, cozegen-submit's detail, the POST with the page's headers, the answer shown, a cancelled event posts nothing", async () => {
  const p = await open("/index.html", ["cozegen-form"]);
  const host = "cozegen-form";
  await submit(p, host);
  const blank = await errors(p, host);
  assertEqual(Object.keys(blank), ["customer.name", "customer.address.street", "customer.address.city"], "the required fields are flagged");
  assert(await p.locator(`${host} .cz-summary`).isVisible(), "the summary is shown");
  assertEqual(await focusedName(p, host), "customer.name", "focus on the first error, inside the shadow root");
  assertEqual(await control(p, host, "customer.address.city").getAttribute("aria-invalid"), "true", "aria-invalid");
  // A summary link focuses its field in this shadow root.
  await p.locator(`${host} .cz-summary a`).nth(2).click();
  assertEqual(await focusedName(p, host), "customer.address.city", "the summary link focuses its field");
  assertEqual(await events(p), [], "no event while the form has errors");
  assertEqual(received.length, 0, "nothing posted");
  assert(await axeProblems(p).then((v) => v.length === 0 || Promise.reject(new Error(v.join("\n")))), "axe with errors shown");

  await fillOrder(p, host);
  assertEqual(await errors(p, host), {}, "errors clear as the fields are filled");
  await submit(p, host);
  const [event] = await events(p);
  assertEqual(event.from, host, "the event comes from the element");
  assert(event.composed && event.cancelable, "composed and cancelable");
  assertEqual(JSON.parse(event.json), ORDER, "detail.json");
  assertEqual(event.parameters, ORDER, "detail.parameters");
  assertEqual(await p.locator("#sent").textContent(), event.json, "the doc's page.js got the detail");
  await waitAnswered(p, host);
  assertEqual(received.length, 1, "one POST");
  assertEqual(received[0].body, `{"parameters":${event.json}}`, "the body is what the page form posts");
  assertEqual(received[0].headers["content-type"], "application/json", "content type");
  assertEqual(received[0].headers["x-requested-by"], "order-page", "the headers property's header");
  assertEqual(await p.locator(`${host} .cz-response-body`).textContent(), '{"data":"run 1"}', "the answer is shown");
  assertEqual(await p.locator(`${host} .cz-status`).getAttribute("data-state"), "ok", "status");

  // A listener that cancels the event keeps the form from posting.
  await p.evaluate(() => document.querySelector("cozegen-form").addEventListener("cozegen-submit", (e) => e.preventDefault(), { once: true }));
  await submit(p, host);
  assertEqual((await events(p)).length, 2, "raised again");
  await submit(p, host);
  await p.waitForFunction(() => document.querySelector("cozegen-form").shadowRoot.querySelector(".cz-response-body").textContent === '{"data":"run 2"}', null, { timeout: 5000 });
  assertEqual(received.length, 2, "the cancelled submit posted nothing");

  // Theming: the doc's rules (theme.css), custom properties set on the element and a ::part
  // rule, loaded as a page's style sheet.
  const look = () => p.locator(`${host} .cz-submit`).evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).borderTopLeftRadius, getComputedStyle(b).textTransform]);
  const before = await look();
  await p.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = "theme.css";
        link.addEventListener("load", resolve);
        link.addEventListener("error", () => reject(new Error("theme.css did not load")));
        document.head.append(link);
      })
  );
  assert(before[0] !== "rgb(10, 125, 90)" && before[1] === "8px" && before[2] === "none", `the default look: ${before}`);
  assertEqual(await look(), ["rgb(10, 125, 90)", "4px", "uppercase"], "--cz-accent, --cz-radius and ::part(submit) reach the shadow root");
  assertEqual(await axeProblems(p), [], "axe after the answer");
  await finish(p);
});

scenario("React page (docs/component.md's component, bundled): the headers prop becomes the property, the ref's listener gets the parameters, the POST is made", async () => {
  const before = received.length;
  const p = await open("/react.html", ["cozegen-form"]);
  const host = "cozegen-form";
  await submit(p, host);
  assertEqual(Object.keys(await errors(p, host)).length, 3, "errors in the shadow root");
  assertEqual(await p.evaluate(() => window.__reactSubmits), [], "no callback while there are errors");
  await fillOrder(p, host);
  await control(p, host, "priority").fill("5");
  await submit(p, host);
  const expected = { ...ORDER, priority: 5 };
  assertEqual(await p.evaluate(() => window.__reactSubmits), [expected], "onSubmitted got detail.parameters");
  await waitAnswered(p, host);
  assertEqual(received.length, before + 1, "one POST");
  assertEqual(JSON.parse(received[before].body), { parameters: expected }, "body");
  assertEqual(received[before].headers["x-session"], "s-42", "the headers prop reached the request");
  assertEqual(await axeProblems(p), [], "axe");
  await finish(p);
});

scenario("two workflows' elements on one page: each its own form, errors, event and request", async () => {
  const before = received.length;
  const p = await open("/two.html", ["order-intake", "trip-chat"]);
  await submit(p, "trip-chat");
  assertEqual(await errors(p, "trip-chat"), { additional_messages: "Write a message: a chat sends one.", city: "This field is required." }, "the chat's errors");
  assertEqual(await errors(p, "order-intake"), {}, "the other form is untouched");
  await p.locator("trip-chat #cz-message").fill("When should I go?");
  await control(p, "trip-chat", "city").fill("Paris");
  await submit(p, "trip-chat");
  const [chat] = await events(p);
  assertEqual(chat.from, "trip-chat", "from the chat element");
  assertEqual(chat.message, "When should I go?", "detail.message");
  assertEqual(JSON.parse(chat.request).additional_messages, [{ role: "user", content: "When should I go?", content_type: "text" }], "detail.request");
  assertEqual(JSON.parse(chat.json), { city: "Paris" }, "the chat's parameters");
  assertEqual(received.length, before, "no action on the chat element: nothing posted");
  await submit(p, "order-intake");
  assertEqual(Object.keys(await errors(p, "order-intake")).length, 3, "the order form's errors");
  assertEqual(await errors(p, "trip-chat"), {}, "none in the chat");
  await p.locator("order-intake .cz-summary a").first().click();
  assertEqual(await focusedName(p, "order-intake"), "customer.name", "a summary link stays in its own shadow root (both have the same ids)");
  await fillOrder(p, "order-intake");
  await submit(p, "order-intake");
  await waitAnswered(p, "order-intake");
  assertEqual((await events(p)).map((e) => e.from), ["trip-chat", "order-intake"], "events");
  assertEqual(JSON.parse(received[before].body), { parameters: ORDER }, "the order's POST");
  assertEqual(await axeProblems(p), [], "axe");
  await finish(p);
});

scenario("one element name, two modules: the same workflow's defines it once quietly, another workflow's warns and is not used", async () => {
  const p = await open("/clash.html", ["cozegen-form"]);
  assertEqual(await p.locator("cozegen-form [name='customer.name']").count(), 1, "the first module's form");
  assertEqual(
    p.problems.splice(0),
    ["console warning: <cozegen-form> is already defined by another form's module, so this one is not used: generate it with its own --element NAME"],
    "one warning, for the other workflow's module"
  );
  await finish(p);
});

scenario("zh-CN: the element's form speaks Chinese, and is axe-clean", async () => {
  const p = await open("/zh.html", ["zh-order"]);
  assertEqual(await p.locator("zh-order form").getAttribute("lang"), "zh-CN", "the form's language");
  await submit(p, "zh-order");
  const summary = await p.locator("zh-order .cz-summary").textContent();
  assert(/[\u4e00-\u9fff]/.test(summary) && !/field/i.test(summary), `a Chinese summary: ${summary}`);
  assert(Object.values(await errors(p, "zh-order")).every((m) => /[\u4e00-\u9fff]/.test(m)), "Chinese errors");
  assertEqual(await axeProblems(p), [], "axe");
  await finish(p);
});

scenario("upload attribute: without it a file field's picker checks a local file, with it (set at run time) the file is POSTed there with the headers (set before the element was defined), and its file_id is the value", async () => {
  const p = await open("/upload.html", ["zh-order"]);
  const host = "zh-order";
  const label = p.locator(`${host} .cz-upload .cz-pick-label`).first();
  const picker = p.locator(`${host} input.cz-picker`).first();
  const note = p.locator(`${host} .cz-upload .cz-note`).first();
  assertEqual(await p.evaluate(() => document.querySelector("zh-order").headers), { "X-Secret": "s3cret" }, "headers set before the upgrade kept");
  // A bad header is refused when it is set, and the headers stay as they were.
  const refused = await p.evaluate(() =>
    [{ "bad name": "x" }, { "X-Ok": 1 }, { "X-Ok": "a\r\nX-Evil: 1" }].map((headers) => {
      try {
        document.querySelector("zh-order").headers = headers;
        return "accepted";
      } catch (e) {
        return e instanceof TypeError && e.message.startsWith("zh-order: ");
      }
    })
  );
  assertEqual(refused, [true, true, true], "bad headers refused");
  assertEqual(await p.evaluate(() => document.querySelector("zh-order").headers), { "X-Secret": "s3cret" }, "the headers unchanged");
  // Without an upload attribute the picker only checks a local file, as a page's does.
  assertEqual(await label.innerText(), "请在上方粘贴文档的链接。在此选择文件只显示它的名称和大小，不会上传。", "the local check's label");
  await picker.setInputFiles({ name: "a.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 a") });
  assert((await note.textContent()).startsWith("已选择 a.pdf"), `the note: ${await note.textContent()}`);
  assertEqual(uploads.length, 0, "nothing uploaded");
  await p.evaluate(() => document.querySelector("zh-order").setAttribute("upload", "/api/upload"));
  assertEqual(await label.innerText(), "上传文档", "the upload label once the element has somewhere to upload to");
  await picker.setInputFiles({ name: "合同.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 contract") });
  await p.waitForFunction(() => document.querySelector("zh-order").shadowRoot.querySelector(".cz-upload .cz-note").dataset.state === "ok", null, { timeout: 5000 });
  assertEqual(uploads.length, 1, "one upload");
  assert(uploads[0].headers["content-type"].startsWith("multipart/form-data; boundary="), `multipart: ${uploads[0].headers["content-type"]}`);
  assert(uploads[0].body.includes('name="file"; filename="') && uploads[0].body.includes("%PDF-1.4 contract"), "the file as field `file`");
  assertEqual(uploads[0].headers["x-secret"], "s3cret", "the headers property's header");
  assertEqual(await control(p, host, "contract").inputValue(), '{"file_id":"F1"}', "the file_id as the value");
  await control(p, host, "customer_name").fill("Ada");
  await control(p, host, "lines").locator(":scope > .cz-add").click();
  await control(p, host, "lines[0].sku").fill("S-1");
  await submit(p, host);
  const [event] = await events(p);
  assertEqual(event.parameters, { customer_name: "Ada", lines: [{ sku: "S-1" }], contract: '{"file_id":"F1"}' }, "the uploaded file in the parameters");
  assertEqual(await axeProblems(p), [], "axe after an upload");
  await finish(p);
});

scenario("375 px wide: nothing wider than the window", async () => {
  const p = await open("/index.html", ["cozegen-form"], { width: 375, height: 800 });
  await control(p, "cozegen-form", "customer.name").fill("x".repeat(300));
  await submit(p, "cozegen-form");
  const widths = await p.evaluate(() => {
    const form = document.querySelector("cozegen-form").shadowRoot.querySelector("form");
    return { page: document.documentElement.scrollWidth, form: Math.ceil(form.getBoundingClientRect().right) };
  });
  assert(widths.page <= 375 && widths.form <= 375, `wider than 375 px: ${JSON.stringify(widths)}`);
  await finish(p);
});

scenario("a hostile workflow's words stay text in the module and the shadow root", async () => {
  const p = await open("/hostile.html", ["hostile-form"]);
  const shape = await p.evaluate(() => {
    const root = document.querySelector("hostile-form").shadowRoot;
    return {
      tags: [...new Set([...root.querySelectorAll("*")].map((e) => e.localName))].filter((t) => ["img", "iframe", "object", "embed"].includes(t)),
      scripts: root.querySelectorAll("script").length,
      forms: root.querySelectorAll("form").length,
      handlers: [...root.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
      text: root.textContent,
      title: document.title,
    };
  });
  assertEqual([shape.tags, shape.scripts, shape.forms, shape.handlers], [[], 1, 1, 0], "only the model script, one form, no injected element");
  assert(shape.text.includes("<img src=x onerror=alert(4)>") && shape.text.includes("`${alert(1)}`"), "the words are shown as text");
  assertEqual(shape.title, "Hostile", "the page is untouched");
  await finish(p);
});

let failed = false;
try {
  for (const { name, fn } of scenarios) {
    try {
      await fn();
      console.log(`ok ${name}`);
    } catch (e) {
      console.log(`FAILED ${name}\n${e.stack}`);
      failed = true;
      break;
    }
  }
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
