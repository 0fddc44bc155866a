// cozegen form script. Static: what it knows about the parameters, and the value rules it
// checks them with, come from the JSON model inside the form (the IR's own TIME_PATTERN,
// FILE_PATTERN and integer bounds; nothing here restates a rule). It numbers array rows, keeps
// optional groups in or out, collects the Coze `parameters` object, shows errors next to their
// fields, and dispatches `cozegen:submit` (then POSTs when the form has an action). Values are
// kept exact: numbers as their JSON text, objects in their key order, and the payload is
// written by the form's own JSON writer. No inline handlers, no eval, no HTML parsing of data:
// strict-CSP friendly.
(() => {
  "use strict";
  const form = document.getElementById("cozegen-form");
  if (!form || form.dataset.czReady) return;
  form.dataset.czReady = "1";
  const model = JSON.parse(form.querySelector(":scope > script.cz-model").textContent);
  const nodes = model.nodes;
  const rules = {
    time: new RegExp(model.rules.time, "u"),
    file: new RegExp(model.rules.file, "u"),
    min: BigInt(model.rules.integer_min),
    max: BigInt(model.rules.integer_max),
  };
  const fields = form.querySelector(":scope > .cz-fields");
  const summary = form.querySelector(":scope > .cz-summary");
  const status = form.querySelector(".cz-status");
  const result = form.querySelector(".cz-result");

  // ---- Exact JSON -------------------------------------------------------------------------
  // Values inside the form: null, booleans, strings, Num (a number as its JSON text), arrays,
  // and Maps for objects (any key, in order). Parsing and writing use explicit stacks, so a
  // deeply nested value cannot overflow the call stack.

  class Num {
    constructor(text) {
      this.text = text;
    }
  }

  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const PLAIN = /[^"\\\u0000-\u001f]*/y;
  const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

  class JsonError extends Error {}

  // Parses JSON text exactly (RFC 8259): numbers keep their text, objects their key order (a
  // repeated key keeps its first place and its last value, as JSON.parse does).
  function parseJson(text) {
    let i = 0;
    const fail = (what) => {
      const before = text.slice(0, i);
      const line = before.split("\n").length;
      const column = i - before.lastIndexOf("\n");
      throw new JsonError(what + " at line " + line + ", column " + column);
    };
    const space = () => {
      for (;;) {
        const c = text.charCodeAt(i);
        if (c === 32 || c === 9 || c === 10 || c === 13) i++;
        else return;
      }
    };
    const string = () => {
      i++; // the opening quote
      let out = "";
      for (;;) {
        PLAIN.lastIndex = i;
        PLAIN.test(text);
        out += text.slice(i, PLAIN.lastIndex);
        i = PLAIN.lastIndex;
        const c = text[i];
        if (c === '"') {
          i++;
          return out;
        }
        if (c !== "\\") fail(c === undefined ? "unterminated string" : "a control character in a string");
        const e = text[i + 1];
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
          out += ESCAPES[e];
          i += 2;
        } else {
          fail("a bad escape in a string");
        }
      }
    };
    const key = () => {
      space();
      if (text[i] !== '"') fail('expected a "quoted" key');
      const k = string();
      space();
      if (text[i] !== ":") fail("expected : after a key");
      i++;
      return k;
    };
    const open = []; // containers being read: {box, key}
    for (;;) {
      space();
      let value;
      const c = text[i];
      if (c === "{" || c === "[") {
        i++;
        space();
        if (text[i] === (c === "{" ? "}" : "]")) {
          i++;
          value = c === "{" ? new Map() : [];
        } else {
          open.push(c === "{" ? { box: new Map(), key: key() } : { box: [], key: null });
          continue;
        }
      } else if (c === '"') {
        value = string();
      } else if (text.startsWith("true", i)) {
        value = true;
        i += 4;
      } else if (text.startsWith("false", i)) {
        value = false;
        i += 5;
      } else if (text.startsWith("null", i)) {
        value = null;
        i += 4;
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) fail(c === undefined ? "expected a value" : "unexpected " + JSON.stringify(c));
        value = new Num(text.slice(i, NUMBER.lastIndex));
        if (!Number.isFinite(Number(value.text))) fail("a number too large for a 64-bit float");
        i = NUMBER.lastIndex;
      }
      // Put the value in its container; close every container that ends here.
      for (;;) {
        const top = open[open.length - 1];
        if (!top) {
          space();
          if (i < text.length) fail("unexpected text after the value");
          return value;
        }
        const isMap = top.box instanceof Map;
        if (isMap) top.box.set(top.key, value);
        else top.box.push(value);
        space();
        if (text[i] === ",") {
          i++;
          if (isMap) top.key = key();
          break;
        }
        if (text[i] !== (isMap ? "}" : "]")) fail(isMap ? "expected , or }" : "expected , or ]");
        i++;
        open.pop();
        value = top.box;
      }
    }
  }

  // Writes a form value as JSON text: compact, or indented by two spaces like JSON.stringify.
  function writeJson(root, pretty) {
    let out = "";
    const tasks = [[root, 0]]; // [value, depth], or [text] for text to copy
    while (tasks.length) {
      const [v, depth] = tasks.pop();
      if (depth === undefined) out += v;
      else if (v === null || v === true || v === false) out += String(v);
      // JSON.stringify escapes a string exactly as serde_json does (and lone surrogates too).
      else if (typeof v === "string") out += JSON.stringify(v);
      else if (v instanceof Num) out += v.text;
      else {
        const isMap = v instanceof Map;
        const entries = isMap ? Array.from(v) : v;
        if (!entries.length) {
          out += isMap ? "{}" : "[]";
          continue;
        }
        const indent = pretty ? "\n" + "  ".repeat(depth + 1) : "";
        out += isMap ? "{" : "[";
        tasks.push([(pretty ? "\n" + "  ".repeat(depth) : "") + (isMap ? "}" : "]")]);
        for (let k = entries.length - 1; k >= 0; k--) {
          tasks.push([isMap ? entries[k][1] : entries[k], depth + 1]);
          const sep = (k ? "," : "") + indent;
          tasks.push([isMap ? sep + JSON.stringify(entries[k][0]) + (pretty ? ": " : ":") : sep]);
        }
      }
    }
    return out;
  }

  // Plain assignment would treat a parameter named `__proto__` as the prototype.
  const put = (o, k, v) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

  // A number as a JavaScript value: an integer beyond 2^53 as JSON.rawJSON (exact in
  // JSON.stringify) where the browser has it.
  function jsNumber(text) {
    const n = Number(text);
    if (/^-?[0-9]+$/.test(text) && !Number.isSafeInteger(n) && typeof JSON.rawJSON === "function") return JSON.rawJSON(text);
    return n;
  }

  // A form value as plain JavaScript values, for `cozegen:submit` listeners.
  function toPlain(root) {
    const box = [undefined];
    const tasks = [[root, box, 0]];
    while (tasks.length) {
      const [v, into, k] = tasks.pop();
      let out = v;
      if (v instanceof Num) out = jsNumber(v.text);
      else if (Array.isArray(v)) {
        out = new Array(v.length);
        v.forEach((item, j) => tasks.push([item, out, j]));
      } else if (v instanceof Map) {
        out = {};
        for (const [key, item] of v) {
          put(out, key, undefined);
          tasks.push([item, out, key]);
        }
      }
      put(into, k, out);
    }
    return box[0];
  }

  // ---- Structure --------------------------------------------------------------------------

  // Thrown when the page is not the tree the model describes: browsers flatten markup nested
  // about 500 elements deep.
  class Broken extends Error {}

  const own = (el, selector) => Array.from(el.children).find((c) => c.matches(selector));
  const nodeOf = (el) => nodes[Number(el.dataset.node)];
  const isGroup = (el) => el.matches("fieldset");
  const controlOf = (el) => own(el, ".cz-control");
  // By walking to the legend: Chromium matches `:scope > legend .cz-include` against the
  // whole document, which made a large form take seconds per thousand groups.
  const includeBox = (el) => {
    const legend = isGroup(el) ? el.firstElementChild : null;
    return legend && legend.matches("legend") ? legend.querySelector("input.cz-include") : null;
  };

  // The elements of the nodes `ids`, which are children of `container` in that order.
  function members(container, ids) {
    const out = [];
    for (const c of container.children) {
      if (c.dataset.node === undefined) continue;
      if (Number(c.dataset.node) !== ids[out.length]) throw new Broken("a parameter is out of place");
      out.push(c);
    }
    if (out.length !== ids.length) throw new Broken("a parameter is missing");
    return out;
  }
  const itemOf = (row) => {
    const el = own(row, "[data-node]");
    if (!el) throw new Broken("an array row is empty");
    return el;
  };
  const rowsOf = (arrayEl) => {
    const list = own(arrayEl, ".cz-rows");
    if (!list) throw new Broken("an array has no rows");
    return list;
  };

  // Row indices from the outermost array down to `el`.
  function indicesOf(el) {
    const out = [];
    for (let e = el; e && e !== form; e = e.parentElement) {
      if (e.classList.contains("cz-row")) out.unshift(Array.prototype.indexOf.call(e.parentElement.children, e));
    }
    return out;
  }

  const ID = /^(cz-\d+(?:-[a-z]+)?)(?:_\d+)*$/;
  const withIndices = (token, suffix) => (ID.test(token) ? token.replace(ID, "$1") + suffix : token);

  // Gives every id, reference, name and item label under `root` its row indices.
  function relabel(root) {
    for (const el of [root, ...root.querySelectorAll("*")]) {
      const idx = indicesOf(el);
      const suffix = idx.map((i) => "_" + i).join("");
      if (el.id) el.id = withIndices(el.id, suffix);
      for (const attr of ["for", "aria-describedby"]) {
        const v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.split(" ").map((t) => withIndices(t, suffix)).join(" "));
      }
      const holder = el.closest("[data-node]");
      if (!holder) continue;
      const node = nodeOf(holder);
      // Nodes outside arrays have no `names`: their `name` attributes need no row indices.
      if (el.hasAttribute("name") && node.names) {
        let name = node.names[0];
        for (let i = 1; i < node.names.length; i++) name += idx[i - 1] + node.names[i];
        el.setAttribute("name", name);
      }
      if (el.classList.contains("cz-name") && el.hasAttribute("data-item")) {
        el.textContent = node.label + idx.slice(idx.length - node.trail).map((i) => "[" + i + "]").join("");
      }
    }
  }

  // ---- Optional groups --------------------------------------------------------------------

  // Whether a group's value is sent: required members and array items always are.
  function included(el) {
    const box = includeBox(el);
    return !box || box.checked;
  }

  function setIncluded(el, on) {
    const box = includeBox(el);
    if (!box) return;
    box.checked = on;
    el.toggleAttribute("data-excluded", !on);
    if (!on) for (const slot of el.querySelectorAll(".cz-error:not([hidden])")) clearError(slot.parentElement);
  }

  // A change inside optional groups includes them, from the innermost out.
  function includeAround(el) {
    for (let g = el && el.closest("fieldset.cz-group"); g; g = g.parentElement && g.parentElement.closest("fieldset.cz-group")) {
      const box = includeBox(g);
      if (box && !box.checked) setIncluded(g, true);
    }
  }

  // ---- Prefill ----------------------------------------------------------------------------

  // The placeholder of a text box whose prefill is the empty text (which it sends as "").
  const EMPTY_TEXT = "(empty text)";
  const prefills = new Map();
  function prefillOf(node) {
    if (node.prefill === undefined) return undefined;
    if (!prefills.has(node)) prefills.set(node, parseJson(node.prefill));
    return prefills.get(node);
  }

  function addRow(arrayEl, value) {
    const template = own(arrayEl, "template");
    const row = template.content.firstElementChild.cloneNode(true);
    rowsOf(arrayEl).appendChild(row);
    relabel(row);
    fill(itemOf(row), value);
    return row;
  }

  // Puts `value` (a form value) into the node at `el`; `undefined` keeps what it shows.
  function fill(el, value) {
    const node = nodeOf(el);
    if (node.kind === "object") {
      if (value === undefined) return;
      setIncluded(el, true);
      const kids = members(el, node.children);
      node.children.forEach((id, k) => fill(kids[k], value instanceof Map ? value.get(nodes[id].key) : undefined));
      return;
    }
    if (node.kind === "array") {
      const rows = value === undefined ? prefillOf(node) : value;
      if (!Array.isArray(rows)) return;
      setIncluded(el, true);
      rowsOf(el).replaceChildren();
      for (const v of rows) addRow(el, v);
      return;
    }
    if (value === undefined) return;
    const control = controlOf(el);
    if (node.kind === "boolean") {
      if (control.type === "checkbox") control.checked = value === true;
      else control.value = value === true ? "true" : value === false ? "false" : "";
    } else if (node.kind === "map" || node.kind === "any") {
      control.value = writeJson(value, true);
    } else if (value instanceof Num) {
      control.value = value.text;
    } else if (typeof value === "string") {
      control.value = node.kind === "time" ? value.replace(" ", "T") : value;
      control.czExact = value;
      if (node.kind === "string" && value === "") control.placeholder = EMPTY_TEXT;
    }
  }

  // ---- Reading values ---------------------------------------------------------------------

  // How a control shows text: HTML and the controls turn CR LF and CR into LF and NUL into
  // U+FFFD, and a one-line input drops line breaks.
  const shown = (control, text) => {
    const t = text.replace(/\r\n?/g, "\n").replace(/\0/g, "\uFFFD");
    return control.matches("textarea") ? t : t.replace(/\n/g, "");
  };

  // The control's text; a prefilled text it cannot show exactly (or an empty one, which a
  // blank box would not say) is the prefill while the control still shows it.
  function textOf(control, node) {
    const exact = control.czExact !== undefined ? control.czExact : node.exact;
    const value = control.value;
    const kept = exact !== undefined && shown(control, exact) === shown(control, value);
    return { text: kept ? exact : value, kept };
  }

  const INTEGER_TEXT = /^[+-]?[0-9]+$/;
  const NUMBER_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
  const DATETIME = /^([0-9]{4,}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?$/;
  const URLISH = /^[a-z][a-z0-9+.-]*:/i;
  const FILE_HINT = 'Enter an http(s) URL, a file_id, or {"file_id": "…"}.';

  // A leaf's value: {v} with v undefined when the control gives none, or {error}.
  function readLeaf(el, node) {
    const control = controlOf(el);
    const ok = (v) => ({ v });
    const bad = (error) => ({ error });
    if (node.kind === "boolean") {
      if (control.type === "checkbox") return ok(control.checked);
      return ok(control.value === "" ? undefined : control.value === "true");
    }
    if (control.validity && control.validity.badInput) {
      return bad(node.kind === "time" ? "Enter a complete date and time." : node.kind === "integer" ? "Enter a whole number." : "Enter a number.");
    }
    const text = node.kind === "string" || node.kind === "file" ? textOf(control, node) : { text: control.value };
    const raw = text.text;
    // A blank box is no value: a string that is left empty is left out.
    if (node.kind === "string") return ok(raw === "" && !text.kept ? undefined : raw);
    const t = raw.trim();
    if (t === "") return ok(undefined);
    switch (node.kind) {
      case "integer": {
        if (!INTEGER_TEXT.test(t)) return bad("Enter a whole number, without a fraction or exponent.");
        const n = BigInt(t);
        if (n < rules.min || n > rules.max) return bad("Enter a whole number from " + rules.min + " to " + rules.max + ".");
        return ok(new Num(n.toString()));
      }
      case "number": {
        if (!NUMBER_TEXT.test(t)) return bad("Enter a number.");
        const n = Number(t);
        if (!Number.isFinite(n)) return bad("This number is too large: it must fit a 64-bit float.");
        // JSON number text goes as typed; other spellings (".5", "+1") as the number they are.
        NUMBER.lastIndex = 0;
        const json = NUMBER.test(t) && NUMBER.lastIndex === t.length;
        return ok(new Num(json ? t : String(n)));
      }
      case "time": {
        const m = DATETIME.exec(t);
        if (!m) return bad("Enter a date and time.");
        if (m[4] && /[1-9]/.test(m[4])) return bad("Enter whole seconds.");
        const value = m[1] + " " + m[2] + ":" + (m[3] || "00");
        return rules.time.test(value) ? ok(value) : bad("Enter a real date and time, from year 0001 to 9999.");
      }
      case "file": {
        // A URL or {"file_id": …} JSON goes as typed; a bare file_id is wrapped for Coze.
        if (rules.file.test(raw)) return ok(raw);
        if (rules.file.test(t)) return ok(t);
        if (t.startsWith("{") || URLISH.test(t)) return bad(FILE_HINT);
        const wrapped = '{"file_id":' + JSON.stringify(t) + "}";
        return rules.file.test(wrapped) ? ok(wrapped) : bad("A file_id cannot hold quotes, backslashes or control characters.");
      }
      case "map":
      case "extra":
      case "any": {
        const object = node.kind !== "any";
        let v;
        try {
          v = parseJson(raw);
        } catch (e) {
          if (!(e instanceof JsonError)) throw e;
          return bad((object ? "Enter a JSON object" : "Enter JSON (text in double quotes)") + ": " + e.message + ".");
        }
        if (object && !(v instanceof Map)) return bad('Enter a JSON object, e.g. {"key": "value"}.');
        return ok(v);
      }
      default:
        throw new Error("unknown kind " + node.kind);
    }
  }

  // Reads the node at `el` into a form value (undefined: nothing sent), adding each problem
  // to `errs` as [element, message], in document order.
  function collect(el, errs) {
    const node = nodeOf(el);
    if (node.kind === "object") {
      if (!included(el)) return undefined;
      return collectMembers(el, node.children, errs);
    }
    if (node.kind === "array") {
      if (!included(el)) return undefined;
      const values = [];
      for (const row of rowsOf(el).children) {
        const itemEl = itemOf(row);
        const before = errs.length;
        const v = collect(itemEl, errs);
        if (v === undefined && errs.length === before) errs.push([itemEl, "Enter a value or remove this item."]);
        values.push(v);
      }
      return values;
    }
    const r = readLeaf(el, node);
    if (r.error) errs.push([el, r.error]);
    return r.v;
  }

  function collectMembers(container, ids, errs) {
    const obj = new Map();
    const kids = members(container, ids);
    ids.forEach((id, k) => {
      const before = errs.length;
      const v = collect(kids[k], errs);
      if (nodes[id].kind === "extra") {
        // An open object's other keys come after its declared ones, which keep their fields.
        const declared = v && v.size ? new Set(ids.map((i) => nodes[i].key)) : null;
        for (const [key, value] of v || []) {
          if (declared.has(key)) {
            errs.push([kids[k], JSON.stringify(key) + " is a parameter of its own: enter it in its field."]);
            break;
          }
          obj.set(key, value);
        }
      } else if (v !== undefined) obj.set(nodes[id].key, v);
      else if (nodes[id].required && errs.length === before) errs.push([kids[k], "This field is required."]);
    });
    return obj;
  }

  // ---- Errors -----------------------------------------------------------------------------

  const focusable = (el) => (isGroup(el) ? el.querySelector("input, textarea, select, button") : controlOf(el)) || el;
  const marked = (el) => (isGroup(el) ? el : controlOf(el));

  function showError(el, message) {
    const slot = own(el, ".cz-error");
    slot.textContent = message;
    slot.hidden = false;
    marked(el).setAttribute("aria-invalid", "true");
  }

  function clearError(el) {
    const slot = own(el, ".cz-error");
    if (!slot || slot.hidden) return;
    slot.hidden = true;
    slot.textContent = "";
    marked(el).removeAttribute("aria-invalid");
    if (!form.querySelector(".cz-error:not([hidden])")) summary.hidden = true;
  }

  function clearErrors() {
    for (const slot of form.querySelectorAll(".cz-error:not([hidden])")) clearError(slot.parentElement);
    summary.hidden = true;
    summary.textContent = "";
  }

  function showErrors(errs) {
    for (const [el, message] of errs) showError(el, message);
    summary.textContent =
      errs.length === 1 ? "One field needs attention before submitting." : errs.length + " fields need attention before submitting.";
    summary.hidden = false;
    focusable(errs[0][0]).focus();
  }

  // Live validation: a leaf is checked when the user commits a change, and its error goes
  // away as soon as what is typed is valid. A blank required field is flagged on submit.
  // `flagOnly`: only show a new error (a submit since the change may have shown others).
  function recheck(holder, committed, flagOnly) {
    if (isGroup(holder) || !own(holder, ".cz-control")) return;
    const slot = own(holder, ".cz-error");
    if (flagOnly ? !slot.hidden : !committed && slot.hidden) return;
    const r = readLeaf(holder, nodeOf(holder));
    if (r.error) {
      if (committed) showError(holder, r.error);
    } else if (!flagOnly) {
      clearError(holder);
    }
  }

  // ---- Submitting -------------------------------------------------------------------------

  function show(el, text) {
    el.textContent = text;
    el.hidden = false;
  }

  async function post(json) {
    const response = own(result, ".cz-response");
    response.hidden = true;
    status.textContent = "Sending to " + model.action + " …";
    try {
      const res = await fetch(model.action, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: '{"parameters":' + json + "}",
      });
      const body = await res.text();
      status.textContent = "POST " + model.action + ": " + res.status + (res.statusText ? " " + res.statusText : "");
      status.dataset.state = res.ok ? "ok" : "error";
      show(own(response, ".cz-response-body"), body);
      response.hidden = false;
    } catch (e) {
      status.textContent = "POST " + model.action + " failed: " + e.message;
      status.dataset.state = "error";
    }
  }

  let broken = null;
  const unreadable = (e) => {
    summary.textContent = "This form could not be read (" + e.message + "); is it nested too deeply for the browser?";
    summary.hidden = false;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    status.textContent = "";
    delete status.dataset.state;
    const errs = [];
    let value;
    try {
      if (broken) throw broken;
      value = collectMembers(fields, model.root, errs);
    } catch (e) {
      if (!(e instanceof Broken)) throw e;
      result.hidden = true;
      unreadable(e);
      return;
    }
    if (errs.length) {
      result.hidden = true;
      showErrors(errs);
      return;
    }
    const json = writeJson(value, false);
    show(own(result, ".cz-out"), writeJson(value, true));
    result.hidden = false;
    const go = form.dispatchEvent(
      new CustomEvent("cozegen:submit", { detail: { parameters: toPlain(value), json }, bubbles: true, cancelable: true })
    );
    if (model.action && go) post(json);
    else status.textContent = "Collected the parameters.";
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    if (button.classList.contains("cz-add")) {
      const arrayEl = button.parentElement;
      includeAround(arrayEl);
      const row = addRow(arrayEl);
      clearError(arrayEl);
      focusable(itemOf(row)).focus();
    } else if (button.classList.contains("cz-remove")) {
      const row = button.parentElement;
      const list = row.parentElement;
      const arrayEl = list.parentElement;
      const next = row.nextElementSibling;
      includeAround(arrayEl);
      row.remove();
      relabel(list);
      (next ? next.querySelector(".cz-remove") : own(arrayEl, ".cz-add")).focus();
    }
  });

  function touched(event) {
    const target = event.target;
    if (target.matches(".cz-picker")) return;
    if (target.matches(".cz-include")) {
      const group = target.closest("fieldset");
      setIncluded(group, target.checked);
      if (target.checked) includeAround(group.parentElement);
      return;
    }
    const holder = target.closest("[data-node]");
    if (!holder) return;
    includeAround(holder);
    if (event.type === "change" && pressing) checkAfterPress.add(holder);
    else recheck(holder, event.type === "change");
  }
  form.addEventListener("input", touched);
  form.addEventListener("change", touched);

  // A change committed by pressing something (leaving a field for the Submit button) is checked
  // once the press is over: an error shown on pointerdown would push the button from under the
  // pointer, and the click would be lost.
  let pressing = false;
  const checkAfterPress = new Set();
  window.addEventListener("pointerdown", () => (pressing = true), true);
  const released = () => {
    pressing = false;
    // After the click that ends the press has been handled; only to flag a value (typing has
    // cleared what was fixed, and a submit may have flagged more than the value itself).
    setTimeout(() => {
      for (const holder of checkAfterPress) if (holder.isConnected) recheck(holder, true, true);
      checkAfterPress.clear();
    }, 0);
  };
  window.addEventListener("pointerup", released, true);
  window.addEventListener("pointercancel", released, true);

  // Picking a file cannot upload it (that takes an API token, which this page never holds):
  // it only says which file was picked and what to do with it.
  form.addEventListener("change", (event) => {
    const picker = event.target;
    if (!picker.matches("input.cz-picker")) return;
    const note = picker.parentElement.querySelector(".cz-note");
    const file = picker.files && picker.files[0];
    if (!file) {
      note.hidden = true;
      return;
    }
    const size = file.size < 1024 ? file.size + " B" : Math.round(file.size / 1024) + " KB";
    show(
      note,
      "Picked " + file.name + " (" + size + (file.type ? ", " + file.type : "") + "). It is not uploaded: " +
        "upload it with Coze's file upload API and paste the file_id above, or paste a URL to it."
    );
  });

  try {
    for (const arrayEl of fields.querySelectorAll(".cz-array")) {
      if (!arrayEl.closest(".cz-row")) fill(arrayEl, undefined);
    }
  } catch (e) {
    if (!(e instanceof Broken)) throw e;
    broken = e;
  }
  form.dataset.czReady = "ready";
})();
