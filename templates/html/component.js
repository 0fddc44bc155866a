// cozegen component: the HTML form for a workflow's start node as a custom element, in one ES
// module. The form (its markup, style and model) is in the string literals below, escaped like
// the page's model, so nothing of the workflow is ever code; the script is the page's own
// (`cozegenForm`), run on the form in the element's shadow root. No inline handlers, no eval:
// a page whose Content-Security-Policy says `script-src 'self'` can load it as a module.
//
// <ELEMENT action="…" upload="…">: on submit it raises `cozegen-submit` (bubbling, composed,
// cancelable; `detail` as the page form's `cozegen:submit`), then, unless a listener cancelled
// it, POSTs the request's JSON to `action` and shows the answer. `upload`: where file fields
// upload the chosen file. The `headers` property: extra request headers for both.

const ELEMENT = {{ element }};
const MARKUP = {{ markup }};
const STYLE = {{ style }};
const DEFAULT_ACTION = {{ action }};
const DEFAULT_UPLOAD = {{ upload }};

{{ script }}
// Made once per module, on first use: the markup read by the HTML parser into an inert
// template (cozegen's own markup, in which the workflow's words are escaped text), and the style
// as a sheet every element's shadow root adopts.
let template = null;
let sheet = null;

class CozegenFormElement extends HTMLElement {
  static observedAttributes = ["upload"];
  // Which form this class makes (two modules of one workflow's form define it once).
  static markup = MARKUP;

  #headers = {};

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    // `headers` set on the element before this module defined it (a page's script that ran
    // first) is an own property hiding the accessor below: take its value through the setter.
    if (Object.prototype.hasOwnProperty.call(this, "headers")) {
      const value = this.headers;
      delete this.headers;
      this.headers = value;
    }
  }

  connectedCallback() {
    // An element moved within the page keeps its form and what was typed in it.
    if (this.shadowRoot.firstChild) return;
    if (!template) {
      template = document.createElement("template");
      template.innerHTML = MARKUP;
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
    }
    this.shadowRoot.adoptedStyleSheets = [sheet];
    this.shadowRoot.append(template.content.cloneNode(true));
    // The form's own event stops at the shadow root; the element raises its own, which a
    // listener may cancel to keep the form from posting.
    this.shadowRoot.addEventListener("cozegen:submit", (event) => {
      const go = this.dispatchEvent(
        new CustomEvent("cozegen-submit", { detail: event.detail, bubbles: true, composed: true, cancelable: true })
      );
      if (!go) event.preventDefault();
    });
    this.#showUploads();
    cozegenForm(this.shadowRoot.querySelector("form"), {
      action: () => this.getAttribute("action") || DEFAULT_ACTION,
      upload: () => this.getAttribute("upload") || DEFAULT_UPLOAD,
      headers: () => ({ ...this.#headers }),
    });
  }

  attributeChangedCallback() {
    this.#showUploads();
  }

  // File fields offer an upload picker only when there is somewhere to upload to.
  #showUploads() {
    const form = this.shadowRoot.querySelector("form");
    if (form) form.toggleAttribute("data-upload", Boolean(this.getAttribute("upload") || DEFAULT_UPLOAD));
  }

  // Extra request headers (an access secret, an Authorization header): an object of strings.
  get headers() {
    return { ...this.#headers };
  }

  // Checked here, where the mistake is made, rather than found as a failed request later; a bad
  // value leaves the headers as they were.
  set headers(value) {
    const headers = {};
    for (const [name, text] of Object.entries(value ?? {})) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
        throw new TypeError(`${ELEMENT}: ${JSON.stringify(name)} is not a header name`);
      }
      if (typeof text !== "string" || /[\r\n\0]/.test(text)) {
        throw new TypeError(`${ELEMENT}: header ${name} must be a string of one line`);
      }
      headers[name] = text;
    }
    this.#headers = headers;
  }
}

// A module loaded twice (or bundled twice) defines its element once. Another workflow's module
// with the same name would leave this form unused, silently: say so.
const defined = customElements.get(ELEMENT);
if (!defined) customElements.define(ELEMENT, CozegenFormElement);
else if (defined.markup !== MARKUP) {
  console.warn(`<${ELEMENT}> is already defined by another form's module, so this one is not used: generate it with its own --element NAME`);
}

export { ELEMENT as elementName, CozegenFormElement };
