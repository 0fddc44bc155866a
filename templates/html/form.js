// cozegen form script. Static: what it knows about the parameters comes from the JSON model
// inside the form. It numbers array rows, collects the Coze `parameters` object, validates it,
// shows errors next to their fields, and dispatches `cozegen:submit` (then POSTs when the form
// has an action). No inline handlers, no eval, no HTML parsing of data: strict-CSP friendly.
(() => {
  "use strict";
  const form = document.getElementById("cozegen-form");
  if (!form || form.dataset.czReady) return;
  form.dataset.czReady = "1";
  const model = JSON.parse(form.querySelector(":scope > script.cz-model").textContent);
  const nodes = model.nodes;
  const fields = form.querySelector(":scope > .cz-fields");
  const summary = form.querySelector(":scope > .cz-summary");
  const status = form.querySelector(".cz-status");
  const result = form.querySelector(".cz-result");

  const own = (el, selector) => Array.from(el.children).find((c) => c.matches(selector));
  const nodeOf = (el) => nodes[Number(el.dataset.node)];
  const childEl = (el, id) => el.querySelector('[data-node="' + id + '"]');
  const hasOwn = (o, k) => o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, k);
  // Plain assignment would treat a parameter named `__proto__` as the prototype.
  const put = (o, k, v) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

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

  // Optional booleans without a value start indeterminate: left out until ticked or unticked.
  function prepare(root) {
    for (const box of root.querySelectorAll("input[type=checkbox][data-unset]")) box.indeterminate = true;
  }

  function addRow(arrayEl, value) {
    const template = own(arrayEl, "template");
    const row = template.content.firstElementChild.cloneNode(true);
    own(arrayEl, ".cz-rows").appendChild(row);
    relabel(row);
    prepare(row);
    fill(own(row, "[data-node]"), value);
    return row;
  }

  // Puts `value` into the control(s) of a node; `undefined` keeps what the node starts with.
  function fill(el, value) {
    const node = nodeOf(el);
    if (node.kind === "object") {
      for (const id of node.children) {
        fill(childEl(el, id), hasOwn(value, nodes[id].key) ? value[nodes[id].key] : undefined);
      }
      return;
    }
    if (node.kind === "array") {
      const rows = value === undefined ? node.prefill : value;
      if (!Array.isArray(rows)) return;
      own(el, ".cz-rows").replaceChildren();
      for (const v of rows) addRow(el, v);
      return;
    }
    if (value === undefined || (value === null && node.kind !== "any")) return;
    const control = own(el, ".cz-control");
    if (node.kind === "boolean") {
      control.checked = value === true;
      control.indeterminate = false;
      control.removeAttribute("data-unset");
    } else if (node.kind === "map" || node.kind === "any") {
      control.value = JSON.stringify(value, null, 2);
    } else if (node.kind === "time") {
      control.value = String(value).replace(" ", "T");
    } else {
      control.value = String(value);
    }
  }

  // Reads one node. Returns {v, blank, errs}: v is undefined when the node is left out, blank
  // says the user gave nothing here, errs lists [element, message] pairs.
  function collect(el) {
    const node = nodeOf(el);
    switch (node.kind) {
      case "object":
        return collectObject(el, node.children, node.required);
      case "array": {
        const errs = [];
        const values = [];
        for (const row of own(el, ".cz-rows").children) {
          const itemEl = own(row, "[data-node]");
          const r = collect(itemEl);
          errs.push(...r.errs);
          if (r.v === undefined && !r.errs.length) errs.push([itemEl, "Enter a value or remove this item."]);
          values.push(r.v);
        }
        // An array nested in a row is a value of that row: empty, it is `[]`.
        if (!values.length && node.key !== undefined) return { v: undefined, blank: true, errs };
        return { v: values, blank: false, errs };
      }
      default:
        return collectLeaf(el, node);
    }
  }

  function collectObject(el, children, keep) {
    const obj = {};
    const errs = [];
    const missing = [];
    let blank = true;
    for (const id of children) {
      const childNode = nodes[id];
      const cel = childEl(el, id);
      const r = collect(cel);
      if (!r.blank) blank = false;
      errs.push(...r.errs);
      if (r.v !== undefined) put(obj, childNode.key, r.v);
      else if (childNode.required && !r.errs.length) {
        missing.push([cel, childNode.kind === "array" ? "Add at least one item." : "This field is required."]);
      }
    }
    // An optional object the user left empty is left out, and so are its members' errors.
    if (blank && !keep) return { v: undefined, blank: true, errs: [] };
    return { v: obj, blank, errs: errs.concat(missing) };
  }

  const URLISH = /^[a-z][a-z0-9+.-]*:/i;
  const TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?(?:\.\d+)?$/;

  function collectLeaf(el, node) {
    const control = own(el, ".cz-control");
    const ok = (v) => ({ v, blank: false, errs: [] });
    const bad = (message) => ({ v: undefined, blank: false, errs: [[el, message]] });
    if (node.kind === "boolean") {
      return control.indeterminate ? { v: undefined, blank: true, errs: [] } : ok(control.checked);
    }
    if (control.validity && control.validity.badInput) {
      return bad(node.kind === "time" ? "Enter a complete date and time." : "Enter a number.");
    }
    const raw = control.value;
    if (raw.trim() === "") return { v: undefined, blank: true, errs: [] };
    switch (node.kind) {
      case "integer": {
        const t = raw.trim();
        if (!/^[+-]?\d+$/.test(t)) return bad("Enter a whole number.");
        const n = Number(t);
        return Number.isSafeInteger(n) ? ok(n) : bad("This whole number is too large to send exactly.");
      }
      case "number": {
        const n = Number(raw.trim());
        return Number.isFinite(n) ? ok(n) : bad("Enter a number.");
      }
      case "time": {
        const m = TIME.exec(raw.trim());
        return m ? ok(m[1] + " " + m[2] + ":" + (m[3] || "00")) : bad("Enter a date and time.");
      }
      case "file": {
        // A URL or {"file_id": …} JSON goes as typed; a bare file_id is wrapped for Coze.
        const t = raw.trim();
        if (t.startsWith("{")) {
          let parsed;
          try {
            parsed = JSON.parse(t);
          } catch (e) {
            return bad('Enter a URL, a file_id, or {"file_id": "…"}.');
          }
          return parsed && typeof parsed.file_id === "string" ? ok(t) : bad('The JSON needs a "file_id" string.');
        }
        return ok(URLISH.test(t) ? t : JSON.stringify({ file_id: t }));
      }
      case "map":
      case "any": {
        let parsed;
        try {
          parsed = JSON.parse(raw);
        } catch (e) {
          return bad(node.kind === "map" ? "Enter a JSON object, e.g. {\"key\": \"value\"}." : "Enter JSON (put text in double quotes).");
        }
        if (node.kind === "map" && (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))) {
          return bad("Enter a JSON object, e.g. {\"key\": \"value\"}.");
        }
        return ok(parsed);
      }
      default:
        return ok(raw);
    }
  }

  const focusable = (el) => (el.matches("fieldset") ? el.querySelector("input, textarea, button") : own(el, ".cz-control")) || el;

  function clearError(el) {
    const slot = own(el, ".cz-error");
    if (!slot || slot.hidden) return;
    slot.hidden = true;
    slot.textContent = "";
    (el.matches("fieldset") ? el : own(el, ".cz-control")).removeAttribute("aria-invalid");
  }

  function clearErrors() {
    for (const slot of form.querySelectorAll(".cz-error:not([hidden])")) clearError(slot.parentElement);
    summary.hidden = true;
    summary.textContent = "";
  }

  function showErrors(errs) {
    for (const [el, message] of errs) {
      const slot = own(el, ".cz-error");
      slot.textContent = message;
      slot.hidden = false;
      (el.matches("fieldset") ? el : own(el, ".cz-control")).setAttribute("aria-invalid", "true");
    }
    summary.textContent =
      errs.length === 1 ? "One field needs attention before submitting." : errs.length + " fields need attention before submitting.";
    summary.hidden = false;
    focusable(errs[0][0]).focus();
  }

  function show(el, text) {
    el.textContent = text;
    el.hidden = false;
  }

  async function post(parameters) {
    const response = own(result, ".cz-response");
    response.hidden = true;
    status.textContent = "Sending to " + model.action + " …";
    try {
      const res = await fetch(model.action, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ parameters }),
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

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    status.textContent = "";
    delete status.dataset.state;
    let r;
    try {
      r = collectObject(fields, model.root, true);
    } catch (e) {
      // Browsers flatten markup nested ~500 elements deep, which breaks the form's structure.
      summary.textContent = "This form could not be read (" + e.message + "); is it nested too deeply for the browser?";
      summary.hidden = false;
      return;
    }
    if (r.errs.length) {
      result.hidden = true;
      showErrors(r.errs);
      return;
    }
    const parameters = r.v;
    show(own(result, ".cz-out"), JSON.stringify(parameters, null, 2));
    result.hidden = false;
    const go = form.dispatchEvent(
      new CustomEvent("cozegen:submit", { detail: { parameters }, bubbles: true, cancelable: true })
    );
    if (model.action && go) post(parameters);
    else status.textContent = "Collected the parameters.";
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    if (button.classList.contains("cz-add")) {
      const row = addRow(button.parentElement);
      clearError(button.parentElement);
      focusable(own(row, "[data-node]")).focus();
    } else if (button.classList.contains("cz-remove")) {
      const row = button.parentElement;
      const list = row.parentElement;
      const arrayEl = list.parentElement;
      const next = row.nextElementSibling;
      row.remove();
      relabel(list);
      (next ? next.querySelector(".cz-remove") : own(arrayEl, ".cz-add")).focus();
    }
  });

  const touched = (event) => {
    const holder = event.target.closest("[data-node]");
    if (!holder) return;
    if (event.target.matches("input[type=checkbox]")) event.target.removeAttribute("data-unset");
    clearError(holder);
  };
  form.addEventListener("input", touched);
  form.addEventListener("change", touched);

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

  prepare(form);
  for (const arrayEl of fields.querySelectorAll(".cz-array")) {
    if (!arrayEl.closest(".cz-row")) fill(arrayEl, undefined);
  }
  form.dataset.czReady = "ready";
})();
