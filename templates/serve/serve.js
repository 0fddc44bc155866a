// cozegen serve: the workflow page's run panel. Static, pinned by hash in the page's CSP; what
// it needs (its URLs, the server's request secret, its sentences) comes from the JSON block
// #sv-config. The form (form.js) checks the parameters and raises `cozegen:submit`; this script
// takes that submit, POSTs it to the server, and reads the answer as server-sent events as they
// come: Coze's events, then the end (output checked against the end node), an error (code,
// message, logid), or an interrupt, which it shows as a question (or the input node's
// parameters as a small form) and answers through the server. Everything from the server is
// set as text; nothing is parsed as HTML.
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("sv-config").textContent);
  const T = config.text;
  const $ = (id) => document.getElementById(id);
  const panel = $("sv-run");
  const status = $("sv-status");
  const error = $("sv-error");
  const stream = $("sv-stream");
  const streamTitle = $("sv-events-title");
  const output = $("sv-output");
  const answer = $("sv-answer");
  const answerFields = $("sv-answer-fields");
  const answerBox = $("sv-answer-box");
  const answerText = $("sv-answer-text");
  const links = $("sv-links");
  const form = document.getElementById("cozegen-form");
  let busy = false;
  let waiting = null; // the interrupt being answered: {run, parameters}

  const say = (text, state) => {
    status.textContent = text;
    if (state) status.dataset.state = state;
    else delete status.dataset.state;
  };

  function reset() {
    panel.hidden = false;
    error.hidden = true;
    error.textContent = "";
    stream.textContent = "";
    stream.hidden = true;
    streamTitle.hidden = true;
    output.hidden = true;
    answer.hidden = true;
    links.textContent = "";
    waiting = null;
  }

  function list(ul, problems) {
    ul.textContent = "";
    for (const p of problems || []) {
      const li = document.createElement("li");
      li.textContent = (p.path ? p.path + ": " : "") + p.message;
      ul.appendChild(li);
    }
  }

  function link(url) {
    links.textContent = "";
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) return;
    const a = document.createElement("a");
    a.href = url;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    a.textContent = T["run.debug"];
    links.appendChild(a);
  }

  // What the server says, note by note.
  const on = {
    event(data) {
      if (typeof data.content === "string" && data.content) {
        stream.hidden = false;
        streamTitle.hidden = false;
        stream.textContent += data.content;
        if (data.ends && !stream.textContent.endsWith("\n")) stream.textContent += "\n";
      }
      say(T["run.running"]);
    },
    started(data) {
      say(T["run.started"].replace("{id}", String(data.execute_id)));
      link(data.debug_url);
    },
    done(data) {
      waiting = null;
      say(T["run.done"], "ok");
      output.hidden = false;
      const problems = data.problems || [];
      $("sv-check").textContent = data.output === null ? T["run.noOutput"] : data.checked ? (problems.length ? T["run.problems"] : T["run.checked"]) : T["run.unchecked"];
      list($("sv-problems"), problems);
      $("sv-out").textContent = data.output === null ? "" : String(data.output);
      link(data.debug_url);
    },
    error(data) {
      waiting = null;
      say(data.unconfirmed ? T["run.unconfirmed"] : data.trimmed ? T["run.trimmed"] : T["run.failed"], "error");
      const parts = [];
      if (data.code !== undefined && data.code !== null) parts.push(T["run.code"] + " " + data.code);
      if (data.message) parts.push(String(data.message));
      if (data.logid) parts.push(T["run.logid"] + " " + data.logid);
      if (data.execute_id) parts.push("execute_id " + data.execute_id);
      error.textContent = parts.join(" · ");
      error.hidden = !parts.length;
    },
    interrupt(data) {
      waiting = data;
      say(T["answer.title"]);
      $("sv-question").textContent = data.chat ? T["answer.chat"] + "\n" + (data.question || "") : data.question || data.node || "";
      answerFields.textContent = "";
      list($("sv-answer-problems"), []);
      const params = Array.isArray(data.parameters) ? data.parameters : null;
      answerBox.hidden = !!params;
      answerText.value = "";
      for (const p of params || []) {
        const field = document.createElement("div");
        field.className = "sv-field";
        const label = document.createElement("label");
        const id = "sv-param-" + answerFields.childElementCount;
        label.htmlFor = id;
        label.textContent = p.name + " (" + p.type + ")" + (p.required ? " *" : "");
        const input = document.createElement(p.input === "boolean" ? "select" : p.input === "json" ? "textarea" : "input");
        input.className = "cz-control";
        input.id = id;
        input.dataset.name = p.name;
        input.dataset.type = p.input;
        if (p.input === "boolean") {
          for (const v of ["", "true", "false"]) {
            const o = document.createElement("option");
            o.value = v;
            o.textContent = v;
            input.appendChild(o);
          }
        } else if (p.input === "integer" || p.input === "number") {
          input.type = "number";
          input.step = p.input === "integer" ? "1" : "any";
        }
        field.append(label, input);
        if (p.description) {
          const help = document.createElement("p");
          help.className = "cz-help";
          help.textContent = p.description;
          field.appendChild(help);
        }
        answerFields.appendChild(field);
      }
      answer.hidden = false;
      (answerFields.querySelector("input, select") || answerText).focus();
    },
  };

  // POSTs `body` to `url` and reads the answer: problems (422) or a stream of notes.
  async function send(url, body) {
    busy = true;
    say(T["run.sending"]);
    try {
      const headers = { "Content-Type": "application/json" };
      headers[config.header] = config.secret;
      const res = await fetch(url, { method: "POST", headers, body, credentials: "same-origin" });
      const type = res.headers.get("Content-Type") || "";
      if (!type.startsWith("text/event-stream")) {
        // Coze's own failures come as notes in the stream: this answer is this server's.
        const raw = await res.text();
        let answerBody = null;
        try {
          answerBody = JSON.parse(raw);
        } catch (e) {
          answerBody = null;
        }
        if (res.status === 503) say(T["run.busy"], "error");
        else if (answerBody && Array.isArray(answerBody.problems)) {
          say(T["run.refused"], "error");
          if (waiting) {
            answer.hidden = false;
            list($("sv-answer-problems"), answerBody.problems);
          } else {
            $("sv-check").textContent = "";
            $("sv-out").textContent = "";
            list($("sv-problems"), answerBody.problems);
            output.hidden = false;
          }
        } else if (res.status === 401) {
          say(T["run.login"], "error");
        } else {
          say(T["run.server"] + " (HTTP " + res.status + ")", "error");
          error.textContent = (answerBody && answerBody.error ? String(answerBody.error) : raw).trim().slice(0, 300);
          error.hidden = !error.textContent;
        }
        return;
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (!data.length || !Object.prototype.hasOwnProperty.call(on, name)) continue;
          on[name](JSON.parse(data.join("\n")));
        }
      }
    } catch (e) {
      say(T["run.lost"], "error");
    } finally {
      busy = false;
      panel.dataset.state = status.dataset.state || "ended";
    }
  }

  form.addEventListener("cozegen:submit", (event) => {
    event.preventDefault();
    if (busy) return;
    reset();
    panel.dataset.state = "running";
    let body = '{"parameters":' + event.detail.json;
    if (typeof event.detail.message === "string") body += ',"message":' + JSON.stringify(event.detail.message);
    send(config.run, body + "}");
  });

  answer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || !waiting) return;
    let value = answerText.value;
    if (Array.isArray(waiting.parameters)) {
      value = {};
      for (const input of answerFields.querySelectorAll("[data-name]")) {
        const text = input.value;
        if (text === "") continue;
        const type = input.dataset.type;
        if (type === "integer" || type === "number") value[input.dataset.name] = Number(text);
        else if (type === "boolean") value[input.dataset.name] = text === "true";
        else if (type === "string") value[input.dataset.name] = text;
        else {
          try {
            value[input.dataset.name] = JSON.parse(text);
          } catch (e) {
            value[input.dataset.name] = text;
          }
        }
      }
    }
    const run = waiting.run;
    panel.dataset.state = "running";
    error.hidden = true;
    output.hidden = true;
    answer.hidden = true;
    send(config.answer.replace("{run}", String(run)), JSON.stringify({ answer: value }));
  });
})();
