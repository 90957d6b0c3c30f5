// <loupe-view>: Loupe in any web page, as one element.
//
//   <script src="https://loupe.example/assets/js/embed.js"></script>
//   <loupe-view src="data/sales.csv" sql="SELECT …" view="table" theme="dark" height="420px"></loupe-view>
//
// The element builds an iframe of Loupe's embed.html (found next to this
// script) and talks to it with the postMessage protocol of
// assets/js/messages.mjs: `await el.ready`, `el.query(sql)`, `el.open(name,
// data)`, `el.tables()`, `el.getView()`, `el.setTableState(table, state)`,
// `el.setView(state)`; a "loupe-view" event (detail: the view state) follows
// each change the person makes. Glue only: every behaviour is Loupe's.
(() => {
  if (customElements.get("loupe-view")) return;

  // Where Loupe lives: this script's own address (a classic script knows it;
  // loaded as a module, it is found among the page's scripts).
  const script = document.currentScript
    || [...document.querySelectorAll("script[src]")].find((s) => /\/embed\.js(\?|#|$)/.test(s.src));
  const EMBED_PAGE = new URL("../../embed.html", script ? script.src : location.href);
  const LOUPE_ORIGIN = EMBED_PAGE.origin;
  const ATTRIBUTES = ["src", "sql", "view", "theme", "height", "title"];

  // Sizing defaults at zero specificity (:where), so the page's own CSS always wins.
  const CSS = ":where(loupe-view) { display: block; }"
    + " :where(loupe-view > iframe) { display: block; width: 100%; max-width: 100%; border: 0; }";
  if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } else {
    document.head.append(Object.assign(document.createElement("style"), { textContent: CSS }));
  }

  const deferred = () => {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    promise.catch(() => {}); // a rebuilt frame rejects promises nobody may be waiting on
    return { promise, resolve, reject };
  };

  class LoupeView extends HTMLElement {
    static get observedAttributes() { return ATTRIBUTES; }

    constructor() {
      super();
      this._frame = null;
      this._ready = deferred();
      this._pending = new Map(); // request id → {resolve, reject}; no timeouts: Loupe always answers
      this._nextId = 1;
      this._onMessage = (event) => this._received(event);
    }

    // Resolves with {type: "loupe:ready", version, duckdb} once the embedded Loupe can answer.
    get ready() { return this._ready.promise; }

    query(sql) { return this._request({ type: "loupe:query", sql }).then(({ columns, rows }) => ({ columns, rows })); }
    open(name, data, options) {
      return this._request({ type: "loupe:open", name, data, options })
        .then(({ table, rows, columns }) => ({ table, rows, columns }));
    }
    tables() { return this._request({ type: "loupe:tables" }).then((reply) => reply.tables); }
    getView() { return this._request({ type: "loupe:getView" }).then((reply) => reply.state); }
    setTableState(table, state) { return this._request({ type: "loupe:setTableState", table, state }).then((reply) => reply.state); }
    setView(state) { return this._request({ type: "loupe:setView", state }).then((reply) => reply.state); }

    connectedCallback() {
      window.addEventListener("message", this._onMessage);
      if (!this._frame) this._build();
      else this._reset("The embedded Loupe reloaded (its element was moved) before it answered.");
    }

    disconnectedCallback() {
      window.removeEventListener("message", this._onMessage);
    }

    attributeChangedCallback(name, before, after) {
      if (!this._frame || before === after) return;
      if (name === "height") this._size();
      else if (name === "title") this._frame.title = this._title();
      else this._load();
    }

    _build() {
      const frame = this._frame = document.createElement("iframe");
      frame.loading = "lazy";
      frame.allow = "clipboard-write";
      // A frame that (re)loads says hello again, in case its first loupe:ready was missed.
      frame.addEventListener("load", () => frame.contentWindow?.postMessage({ type: "loupe:ping" }, LOUPE_ORIGIN));
      this._size();
      this._load();
      this.append(frame);
    }

    _size() {
      this._frame.style.height = this.getAttribute("height") || "420px";
    }

    // Point the frame at embed.html with this element's attributes; pending requests fail.
    _load() {
      const params = new URLSearchParams();
      const src = this.getAttribute("src");
      if (src) params.append("url", new URL(src, document.baseURI).href);
      for (const name of ["sql", "view", "theme"]) {
        const value = this.getAttribute(name);
        if (value) params.append(name, value);
      }
      if (location.origin !== "null") params.append("origin", location.origin);
      const url = new URL(EMBED_PAGE);
      url.search = params.toString();
      this._frame.title = this._title();
      if (this._frame.src) this._reset("The embedded Loupe was reloaded (an attribute changed) before it answered.");
      this._frame.src = url.href;
    }

    _title() {
      if (this.getAttribute("title")) return this.getAttribute("title");
      const src = this.getAttribute("src");
      const file = src ? decodeURIComponent(new URL(src, document.baseURI).pathname.split("/").pop()) : "";
      return file ? `${file} in Loupe, a data viewer` : "Loupe, a data viewer";
    }

    _reset(reason) {
      for (const { reject } of this._pending.values()) reject(new Error(reason));
      this._pending.clear();
      const before = this._ready;
      this._ready = deferred();
      this._ready.promise.then(before.resolve, before.reject); // whoever awaited the old frame gets the new one
    }

    async _request(message) {
      await this._ready.promise; // earlier messages would reach a page that is not listening yet
      const id = this._nextId++;
      const answer = deferred();
      this._pending.set(id, answer);
      this._frame.contentWindow.postMessage({ ...message, id }, LOUPE_ORIGIN);
      return answer.promise;
    }

    _received(event) {
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== LOUPE_ORIGIN) return;
      const message = event.data || {};
      if (message.type === "loupe:ready") {
        this._ready.resolve(message);
      } else if (message.type === "loupe:view") {
        this.dispatchEvent(new CustomEvent("loupe-view", { detail: message.state, bubbles: true }));
      } else if (message.type === "loupe:error" && (message.id === null || message.id === undefined)) {
        this._ready.reject(new Error(message.message)); // Loupe itself could not start
      } else if (this._pending.has(message.id)) {
        const { resolve, reject } = this._pending.get(message.id);
        this._pending.delete(message.id);
        if (message.type === "loupe:error") reject(new Error(message.message));
        else resolve(message);
      }
    }
  }

  customElements.define("loupe-view", LoupeView);
})();
