// cozegen form script. Static: what it knows about the parameters, and the value rules it
// checks them with, come from the JSON model inside the form (the IR's own TIME_PATTERN,
// FILE_PATTERN and integer bounds; nothing here restates a rule). It numbers array rows, keeps
// optional groups in or out, leaves untouched top-level defaults to Coze, collects the Coze
// `parameters` object, shows errors next to their fields and links them from a summary, and
// dispatches `cozegen:submit` (then POSTs when the form has an action). A chatflow's form has a
// message box too, and emits the whole chat request (`additional_messages` and `parameters`).
// Values are kept exact: numbers as their JSON text, objects in their key order, and the
// payload is written by the form's own JSON writer. No inline handlers, no eval, no HTML parsing of data: strict-CSP
// friendly. Titles and type words come from the page (decided in Rust); every sentence the
// script writes comes from the page's message table, through TEXT below. With an upload
// URL in the model, a file parameter's picker uploads the chosen file there.
//
// One function, given its <form>: a page calls it with the form of id `cozegen-form` (the
// entry cozegen adds around this file, src/emit/html/mod.rs); a component's module
// (templates/html/component.js) calls it with the form in its shadow root, and passes `host`:
// where to POST and upload, and which headers to add, read from the element at each request.
function cozegenForm(form, host) {
  "use strict";

  if (!form || form.dataset.czReady) return;
  form.dataset.czReady = "1";
  const model = JSON.parse(form.querySelector(":scope > script.cz-model").textContent);
  const nodes = model.nodes;
  // Where a submit is POSTed and a file uploaded, and what headers go with them: the model's,
  // or a component's, as its element says at the time of the request.
  const target = host || { action: () => model.action, upload: () => model.upload, headers: () => model.headers || {} };

  // Every sentence the script writes, from the page's message table (model.text, one per
  // language, chosen when the page was generated): `{name}` placeholders are filled here.
  const say = (key, args) => {
    const message = Object.prototype.hasOwnProperty.call(model.text, key) ? model.text[key] : key;
    return message.replace(/\{([a-z]+)\}/g, (whole, name) => (args && Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : whole));
  };
  const TEXT = {
    row: (stem, numbers) => say("js.row", { stem, n: numbers.join(".") }),
    required: say("js.required"),
    emptyRow: say("js.emptyRow"),
    ownKey: (key) => say("js.ownKey", { key: JSON.stringify(key) }),
    badTime: say("js.badTime"),
    badInteger: say("js.badInteger"),
    badNumber: say("js.badNumber"),
    integerForm: say("js.integerForm"),
    integerRange: (min, max) => say("js.integerRange", { min, max }),
    numberRange: say("js.numberRange"),
    dateTime: say("js.dateTime"),
    wholeSeconds: say("js.wholeSeconds"),
    realDate: say("js.realDate"),
    fileHint: say("js.fileHint"),
    fileId: say("js.fileId"),
    fileUrl: say("js.fileUrl"),
    json: (object, detail) => say(object ? "js.jsonObjectDetail" : "js.json", { detail }),
    jsonObject: say("js.jsonObject"),
    jsonAt: (what, line, column) => say("js.jsonAt", { what, line, column }),
    jsonProblem: {
      unterminated: say("js.jsonUnterminated"),
      control: say("js.jsonControl"),
      escape: say("js.jsonEscape"),
      key: say("js.jsonKey"),
      colon: say("js.jsonColon"),
      value: say("js.jsonValue"),
      big: say("js.jsonBig"),
      trailing: say("js.jsonTrailing"),
      objectEnd: say("js.jsonObjectEnd"),
      arrayEnd: say("js.jsonArrayEnd"),
    },
    jsonUnexpected: (c) => say("js.jsonUnexpected", { char: c }),
    summary: (n) => (n === 1 ? say("js.summaryOne") : say("js.summaryMany", { n })),
    // A field in the summary: its title after its groups' ("Customer › Address › City").
    path: (titles) => titles.join(say("js.pathSep")),
    elided: say("js.elided"),
    problem: (message) => say("js.problem", { message }),
    more: (n) => say("js.more", { n }),
    unreadable: (why) => say("js.unreadable", { why }),
    broken: {
      place: say("js.brokenPlace"),
      missing: say("js.brokenMissing"),
      row: say("js.brokenRow"),
      rows: say("js.brokenRows"),
    },
    defaultChanged: say("js.defaultChanged"),
    leftOut: (titles, more) => say(more ? "js.leftOutMore" : "js.leftOut", { names: titles.join(say("js.listSep")), n: more }),
    collected: say("js.collected"),
    sending: (url) => say("js.sending", { url }),
    answered: (url, status, text) => say("js.answered", { url, status, text }).trimEnd(),
    unreachable: (url, why) => say("js.unreachable", { url, why }),
    copied: say("js.copied"),
    selected: say("js.selected"),
    emptyText: say("js.emptyText"),
    size: (bytes) => (bytes < 1024 ? say("js.bytes", { n: bytes }) : say("js.kilobytes", { n: Math.round(bytes / 1024) })),
    fileInfo: (size, type) => (type ? say("js.fileInfo", { size, type }) : size),
    picked: (name, info) => say("js.picked", { name, info }),
    pickedUrl: (name, info) => say("js.pickedUrl", { name, info }),
    uploading: (name, info, percent) => say("js.uploading", { name, info, percent }),
    uploaded: (name, isId) => say(isId ? "js.uploadedId" : "js.uploadedUrl", { name }),
    uploadFailed: (name, url, status, text) => say("js.uploadFailed", { name, url, status, text }).trimEnd(),
    uploadBadAnswer: (name, url) => say("js.uploadBadAnswer", { name, url }),
    uploadUnreachable: (name, url) => say("js.uploadUnreachable", { name, url }),
    uploadPending: say("js.uploadPending"),
    messageRequired: say("js.messageRequired"),
  };
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
  // A chatflow's message box: the user message of the chat request, not a parameter.
  const messageHolder = model.chat ? form.querySelector(":scope > .cz-message") : null;
  const messageBox = messageHolder && messageHolder.querySelector(":scope > .cz-control");
  // Whether the summary lists the fields' errors (and follows them as they change).
  let listing = false;

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
      throw new JsonError(TEXT.jsonAt(what, line, column));
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
        if (c !== "\\") fail(c === undefined ? TEXT.jsonProblem.unterminated : TEXT.jsonProblem.control);
        const e = text[i + 1];
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
          out += ESCAPES[e];
          i += 2;
        } else {
          fail(TEXT.jsonProblem.escape);
        }
      }
    };
    const key = () => {
      space();
      if (text[i] !== '"') fail(TEXT.jsonProblem.key);
      const k = string();
      space();
      if (text[i] !== ":") fail(TEXT.jsonProblem.colon);
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
        if (!NUMBER.test(text)) fail(c === undefined ? TEXT.jsonProblem.value : TEXT.jsonUnexpected(JSON.stringify(c)));
        value = new Num(text.slice(i, NUMBER.lastIndex));
        if (!Number.isFinite(Number(value.text))) fail(TEXT.jsonProblem.big);
        i = NUMBER.lastIndex;
      }
      // Put the value in its container; close every container that ends here.
      for (;;) {
        const top = open[open.length - 1];
        if (!top) {
          space();
          if (i < text.length) fail(TEXT.jsonProblem.trailing);
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
        if (text[i] !== (isMap ? "}" : "]")) fail(isMap ? TEXT.jsonProblem.objectEnd : TEXT.jsonProblem.arrayEnd);
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
      if (Number(c.dataset.node) !== ids[out.length]) throw new Broken(TEXT.broken.place);
      out.push(c);
    }
    if (out.length !== ids.length) throw new Broken(TEXT.broken.missing);
    return out;
  }
  const itemOf = (row) => {
    const el = own(row, "[data-node]");
    if (!el) throw new Broken(TEXT.broken.row);
    return el;
  };
  const rowsOf = (arrayEl) => {
    const list = own(arrayEl, ".cz-rows");
    if (!list) throw new Broken(TEXT.broken.rows);
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
        el.textContent = TEXT.row(node.label, idx.slice(idx.length - node.trail).map((i) => i + 1));
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
    if (!on) {
      for (const slot of el.querySelectorAll(".cz-error:not([hidden])")) clearError(slot.parentElement, true);
      if (listing) renderSummary();
    }
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
  const EMPTY_TEXT = TEXT.emptyText;
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
      // A top-level default is shown but left to Coze (the page starts it unticked).
      if (!(value === undefined && node.fallback)) setIncluded(el, true);
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

  // A leaf's value: {v} with v undefined when the control gives none, or {error}.
  function readLeaf(el, node) {
    const control = controlOf(el);
    const ok = (v) => ({ v });
    const bad = (error) => ({ error });
    if (el.hasAttribute("data-uploading")) return bad(TEXT.uploadPending);
    if (node.kind === "boolean") {
      if (control.type === "checkbox") return ok(control.checked);
      return ok(control.value === "" ? undefined : control.value === "true");
    }
    if (control.validity && control.validity.badInput) {
      return bad(node.kind === "time" ? TEXT.badTime : node.kind === "integer" ? TEXT.badInteger : TEXT.badNumber);
    }
    const text = node.kind === "string" || node.kind === "file" ? textOf(control, node) : { text: control.value };
    const raw = text.text;
    // A blank box is no value: a string that is left empty is left out.
    if (node.kind === "string") return ok(raw === "" && !text.kept ? undefined : raw);
    const t = raw.trim();
    if (t === "") return ok(undefined);
    switch (node.kind) {
      case "integer": {
        if (!INTEGER_TEXT.test(t)) return bad(TEXT.integerForm);
        const n = BigInt(t);
        if (n < rules.min || n > rules.max) return bad(TEXT.integerRange(rules.min, rules.max));
        return ok(new Num(n.toString()));
      }
      case "number": {
        if (!NUMBER_TEXT.test(t)) return bad(TEXT.badNumber);
        const n = Number(t);
        if (!Number.isFinite(n)) return bad(TEXT.numberRange);
        // JSON number text goes as typed; other spellings (".5", "+1") as the number they are.
        NUMBER.lastIndex = 0;
        const json = NUMBER.test(t) && NUMBER.lastIndex === t.length;
        return ok(new Num(json ? t : String(n)));
      }
      case "time": {
        const m = DATETIME.exec(t);
        if (!m) return bad(TEXT.dateTime);
        if (m[4] && /[1-9]/.test(m[4])) return bad(TEXT.wholeSeconds);
        const value = m[1] + " " + m[2] + ":" + (m[3] || "00");
        return rules.time.test(value) ? ok(value) : bad(TEXT.realDate);
      }
      case "file": {
        // A URL or {"file_id": …} JSON goes as typed; a bare file_id is wrapped for Coze.
        if (rules.file.test(raw)) return ok(raw);
        if (rules.file.test(t)) return ok(t);
        if (model.rules.file_url_only) return bad(TEXT.fileUrl);
        if (t.startsWith("{") || URLISH.test(t)) return bad(TEXT.fileHint);
        const wrapped = '{"file_id":' + JSON.stringify(t) + "}";
        return rules.file.test(wrapped) ? ok(wrapped) : bad(TEXT.fileId);
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
          return bad(TEXT.json(object, e.message));
        }
        if (object && !(v instanceof Map)) return bad(TEXT.jsonObject);
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
        if (v === undefined && errs.length === before) errs.push([itemEl, TEXT.emptyRow]);
        values.push(v);
      }
      return values;
    }
    // An untouched top-level default is left out: Coze applies it when the parameter is absent.
    if (node.fallback && el.hasAttribute("data-default")) return undefined;
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
            errs.push([kids[k], TEXT.ownKey(key)]);
            break;
          }
          obj.set(key, value);
        }
      } else if (v !== undefined) obj.set(nodes[id].key, v);
      else if (nodes[id].required && errs.length === before) errs.push([kids[k], TEXT.required]);
    });
    return obj;
  }

  // ---- Errors -----------------------------------------------------------------------------

  const focusable = (el) => (isGroup(el) ? el.querySelector("input, textarea, select, button") : controlOf(el)) || el;
  const marked = (el) => (isGroup(el) ? el : controlOf(el));

  // The title the page shows for a parameter (row titles numbered).
  function titleOf(el) {
    const label = isGroup(el) ? el.firstElementChild : own(el, "label");
    const name = label && label.querySelector(".cz-name");
    return name ? name.textContent : "";
  }

  // A parameter's title after those of the groups around it: "Customer › Address › City". An
  // array adds nothing, its rows' titles say it ("Line 2 › SKU"); a deep path keeps both ends.
  function pathTitle(el) {
    const parts = [titleOf(el)];
    for (let g = el.parentElement.closest("fieldset.cz-group"); g; g = g.parentElement.closest("fieldset.cz-group")) {
      if (!g.classList.contains("cz-array")) parts.unshift(titleOf(g));
    }
    return TEXT.path(parts.length > 4 ? [parts[0], TEXT.elided, ...parts.slice(-2)] : parts);
  }

  const SUMMARY_MAX = 20;

  // Rewrites the summary from the errors on the page, in document order: a link to each field,
  // named by its title. Returns the first field with an error, or null.
  function renderSummary() {
    const slots = form.querySelectorAll(".cz-error:not([hidden])");
    if (!slots.length) {
      listing = false;
      summary.hidden = true;
      summary.replaceChildren();
      return null;
    }
    const intro = document.createElement("p");
    intro.textContent = TEXT.summary(slots.length);
    const list = document.createElement("ul");
    for (let k = 0; k < slots.length && k < SUMMARY_MAX; k++) {
      const holder = slots[k].parentElement;
      const link = document.createElement("a");
      link.setAttribute("href", "#" + marked(holder).id);
      link.textContent = pathTitle(holder);
      const item = document.createElement("li");
      item.append(link, TEXT.problem(slots[k].textContent));
      list.append(item);
    }
    summary.replaceChildren(intro, list);
    if (slots.length > SUMMARY_MAX) {
      const more = document.createElement("p");
      more.textContent = TEXT.more(slots.length - SUMMARY_MAX);
      summary.append(more);
    }
    summary.hidden = false;
    return slots[0].parentElement;
  }

  function showError(el, message) {
    const slot = own(el, ".cz-error");
    slot.textContent = message;
    slot.hidden = false;
    marked(el).setAttribute("aria-invalid", "true");
  }

  // `quiet`: the caller updates the summary once, after clearing many.
  function clearError(el, quiet) {
    const slot = own(el, ".cz-error");
    if (!slot || slot.hidden) return;
    slot.hidden = true;
    slot.textContent = "";
    marked(el).removeAttribute("aria-invalid");
    if (listing && !quiet) renderSummary();
  }

  function clearErrors() {
    listing = false;
    for (const slot of form.querySelectorAll(".cz-error:not([hidden])")) clearError(slot.parentElement, true);
    summary.hidden = true;
    summary.replaceChildren();
  }

  // Shows every error, lists them in the summary, and moves focus to the first one on the
  // page (not the first one found: the summary's order is the page's).
  function showErrors(errs) {
    for (const [el, message] of errs) showError(el, message);
    listing = true;
    const first = renderSummary();
    if (first) focusable(first).focus();
  }

  // A summary link focuses its field's control (the page's address stays as it is, which
  // matters when the form is embedded in a page with its own routing).
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    // The form's root: the document, or a component's shadow root.
    const field = form.getRootNode().getElementById(link.getAttribute("href").slice(1));
    const holder = field && (field.closest("[data-node]") || field.closest(".cz-message"));
    if (!holder || !form.contains(holder)) return;
    event.preventDefault();
    focusable(holder).focus();
  });

  // Live validation: a leaf is checked when the user commits a change, and its error goes
  // away as soon as what is typed is valid. A blank required field is flagged on submit.
  // `flagOnly`: only show a new error (a submit since the change may have shown others).
  function recheck(holder, committed, flagOnly) {
    if (isGroup(holder) || !own(holder, ".cz-control")) return;
    const slot = own(holder, ".cz-error");
    if (flagOnly ? !slot.hidden : !committed && slot.hidden) return;
    const r = readLeaf(holder, nodeOf(holder));
    if (r.error) {
      if (committed) {
        showError(holder, r.error);
        if (listing) renderSummary();
      }
    } else if (!flagOnly) {
      clearError(holder);
    }
  }

  // ---- Submitting -------------------------------------------------------------------------

  function show(el, text) {
    el.textContent = text;
    el.hidden = false;
  }

  async function post(payload, url) {
    const response = own(result, ".cz-response");
    response.hidden = true;
    status.textContent = TEXT.sending(url);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { ...target.headers(), "Content-Type": "application/json" },
        body: payload,
      });
      const body = await res.text();
      status.textContent = TEXT.answered(url, res.status, res.statusText);
      status.dataset.state = res.ok ? "ok" : "error";
      show(own(response, ".cz-response-body"), body);
      response.hidden = false;
    } catch (e) {
      // A refused CORS check and a server that is down look the same from here.
      status.textContent = TEXT.unreachable(url, e.message);
      status.dataset.state = "error";
    }
  }

  // The titles of the top-level parameters left to Coze's defaults by this payload.
  function leftOut(value) {
    const titles = [];
    let count = 0;
    const els = members(fields, model.root);
    model.root.forEach((id, k) => {
      const node = nodes[id];
      if (!node.fallback || value.has(node.key)) return;
      count++;
      if (titles.length < 10) titles.push(titleOf(els[k]));
    });
    return count ? TEXT.leftOut(titles, count - titles.length) : "";
  }

  // Copies the shown payload; where the clipboard is not available (or refuses), selects it.
  async function copyResult() {
    const out = own(result, ".cz-out");
    const note = result.querySelector(".cz-copied");
    let copied = false;
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      try {
        await navigator.clipboard.writeText(out.textContent);
        copied = true;
      } catch (e) {
        copied = false;
      }
    }
    if (!copied) {
      const range = document.createRange();
      range.selectNodeContents(out);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    note.textContent = copied ? TEXT.copied : TEXT.selected;
  }

  let broken = null;
  const unreadable = (e) => {
    listing = false;
    summary.textContent = TEXT.unreadable(e.message);
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
    // A chat sends a message; one of blanks only would reach the chatflow as nothing to answer.
    if (messageBox && !messageBox.value.trim()) errs.unshift([messageHolder, TEXT.messageRequired]);
    if (errs.length) {
      result.hidden = true;
      showErrors(errs);
      return;
    }
    const json = writeJson(value, false);
    // What is shown and POSTed: `{"parameters": …}`, or for a chatflow the whole chat request.
    let shown = new Map([["parameters", value]]);
    const detail = { parameters: toPlain(value), json };
    if (messageBox) {
      shown = new Map();
      if (typeof model.chat.workflow_id === "string") shown.set("workflow_id", model.chat.workflow_id);
      if (typeof model.chat.app_id === "string") shown.set("app_id", model.chat.app_id);
      const message = new Map([["role", "user"], ["content", messageBox.value], ["content_type", "text"]]);
      shown.set("additional_messages", [message]);
      shown.set("parameters", value);
      detail.message = messageBox.value;
      detail.request = writeJson(shown, false);
    }
    const body = writeJson(shown, false);
    show(own(result, ".cz-out"), writeJson(messageBox ? shown : value, true));
    const note = own(result, ".cz-left-out");
    note.textContent = leftOut(value);
    note.hidden = !note.textContent;
    result.querySelector(".cz-copied").textContent = "";
    result.hidden = false;
    const go = form.dispatchEvent(
      new CustomEvent("cozegen:submit", { detail, bubbles: true, cancelable: true })
    );
    const action = target.action();
    if (action && go) post(body, action);
    else status.textContent = TEXT.collected;
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
    } else if (button.classList.contains("cz-copy")) {
      copyResult();
    }
  });

  // The first change to a top-level default makes it the user's value, sent from then on.
  function changedDefault(holder) {
    holder.removeAttribute("data-default");
    const note = own(holder, ".cz-default");
    if (note) note.textContent = TEXT.defaultChanged;
  }

  function touched(event) {
    const target = event.target;
    if (target.matches(".cz-picker")) return;
    if (target.matches(".cz-include")) {
      const group = target.closest("fieldset");
      setIncluded(group, target.checked);
      if (target.checked) includeAround(group.parentElement);
      return;
    }
    if (target === messageBox) {
      // Flagged blank on submit only; cleared as soon as there is something to send.
      if (messageBox.value.trim()) clearError(messageHolder);
      return;
    }
    const holder = target.closest("[data-node]");
    if (!holder) return;
    if (holder.hasAttribute("data-default")) changedDefault(holder);
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

  // Without an upload URL, picking a file cannot upload it (that takes an API token, which this
  // page never holds): it only says which file was picked and what to do with it. With one,
  // the file goes to that URL (the page's own backend, which holds the token) and its answer
  // becomes the value.
  form.addEventListener("change", (event) => {
    const picker = event.target;
    if (!picker.matches("input.cz-picker")) return;
    const note = picker.parentElement.querySelector(".cz-note");
    const file = picker.files && picker.files[0];
    if (!file) {
      if (!target.upload()) note.hidden = true;
      return;
    }
    const info = TEXT.fileInfo(TEXT.size(file.size), file.type);
    if (target.upload()) upload(picker.closest("[data-node]"), note, file, info);
    else show(note, (model.rules.file_url_only ? TEXT.pickedUrl : TEXT.picked)(file.name, info));
  });

  // Uploads `file` for the file parameter at `holder`, saying how it goes in `note`. While it
  // is on its way the parameter has no value to submit (readLeaf says to wait).
  function upload(holder, note, file, info) {
    const control = controlOf(holder);
    const url = target.upload();
    const id = (holder.czUpload || 0) + 1;
    holder.czUpload = id;
    holder.setAttribute("data-uploading", "");
    note.dataset.state = "busy";
    show(note, TEXT.uploading(file.name, info, 0));
    const data = new FormData();
    data.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    const done = (message, state, value) => {
      if (holder.czUpload !== id) return; // a later pick replaced this upload
      holder.removeAttribute("data-uploading");
      note.dataset.state = state;
      show(note, message);
      if (value !== undefined) {
        control.value = value;
        control.czExact = undefined;
        control.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (own(holder, ".cz-error") && !own(holder, ".cz-error").hidden) {
        recheck(holder, true);
      }
    };
    xhr.upload.addEventListener("progress", (e) => {
      if (holder.czUpload === id && e.lengthComputable) show(note, TEXT.uploading(file.name, info, Math.floor((100 * e.loaded) / e.total)));
    });
    xhr.addEventListener("load", () => {
      if (xhr.status < 200 || xhr.status > 299) {
        done(TEXT.uploadFailed(file.name, url, xhr.status, xhr.statusText), "error");
        return;
      }
      let answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (e) {
        answer = null;
      }
      const fileId = answer && typeof answer.file_id === "string" && answer.file_id ? answer.file_id : null;
      const link = answer && typeof answer.url === "string" && answer.url ? answer.url : null;
      // Coze Studio takes files by URL only: a file_id answer is of no use there.
      if (link !== null && (fileId === null || model.rules.file_url_only)) done(TEXT.uploaded(file.name, false), "ok", link);
      else if (fileId !== null && !model.rules.file_url_only) done(TEXT.uploaded(file.name, true), "ok", JSON.stringify({ file_id: fileId }));
      else done(TEXT.uploadBadAnswer(file.name, url), "error");
    });
    // A refused CORS check and a server that is down look the same from here.
    xhr.addEventListener("error", () => done(TEXT.uploadUnreachable(file.name, url), "error"));
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(target.headers())) xhr.setRequestHeader(name, value);
    // A raw upload sends the bytes as they are, the name beside them (`cozegen serve`).
    if (model.upload_raw) xhr.setRequestHeader("X-Cozegen-File-Name", encodeURIComponent(file.name));
    xhr.send(model.upload_raw ? file : data);
  }

  try {
    for (const arrayEl of fields.querySelectorAll(".cz-array")) {
      if (!arrayEl.closest(".cz-row")) fill(arrayEl, undefined);
    }
  } catch (e) {
    if (!(e instanceof Broken)) throw e;
    broken = e;
  }
  form.dataset.czReady = "ready";
}
