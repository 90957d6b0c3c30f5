// window.loupe — the public API's JavaScript shell, plus start-up progress.
//
// The behaviour is Python's (app/ui/shell/api.py): once MicroPython is up it calls
// loupe._attach(handlers). Calls made earlier wait for that. Each call
// hands Python (args..., resolve, reject); Python settles with a JSON string
// or with a message for a person, which becomes an Error here.
//
// Share links: the view state travels in the address as #state=<JSON,
// deflate-raw compressed, base64url>. This file only packs and unpacks it and
// keeps the address up to date; app/ui/opening/sharing.py decides what it means.

const settle = () => {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};

const attached = settle();
const ready = settle();
const python = settle();
python.promise.catch(() => {});
let tablesJson = "[]";
let viewJson = "null";
const embedded = document.documentElement.hasAttribute("data-embed");
const DAMAGED = "This view link is damaged (it could not be unpacked). Ask for the link again, or copy all of it.";
const MAX_STATE_CHARS = 2_000_000; // a state is small; more than this is damage (or a zip bomb)

// The view state as compressed, URL-safe text.
async function pack(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

// pack() undone; a damaged link becomes an Error a person can act on.
async function unpack(packed) {
  let bytes;
  try {
    const binary = atob(decodeURIComponent(packed).replaceAll("-", "+").replaceAll("_", "/"));
    bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    throw new Error(DAMAGED);
  }
  try {
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"))
      .pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += value;
      if (text.length > MAX_STATE_CHARS) { reader.cancel(); throw new Error("too long"); }
    }
  } catch {
    throw new Error(DAMAGED);
  }
}

// The address follows the view (#state=…), so a reload or a copied address
// shows the same view. Not in embeds (their "Open in Loupe ↗" link gets it), and
// not while a shared view waits for the person's files (the link as it came
// must survive a reload).
let linkHeld = false;
let written = location.hash;
let pending = null;
function writeLink() {
  if (linkHeld || viewJson === "null") return;
  clearTimeout(pending);
  pending = setTimeout(async () => {
    const hash = `#state=${await pack(viewJson)}`;
    if (embedded) { // the embed's "Open in Loupe ↗" takes this view to the full app
      const full = document.getElementById("open-full");
      full.href = new URL(`./${hash}`, location.href).href;
      full.hidden = false;
    } else if (hash !== location.hash) {
      written = hash;
      history.replaceState(history.state, "", hash);
    }
  }, 200);
}
// A link pasted into the address bar of an open Loupe changes only the hash: follow it.
window.addEventListener("hashchange", () => {
  if (location.hash !== written && location.hash.startsWith("#state=")) {
    written = location.hash;
    call("followLink").catch(() => {});
  }
});

// Classify what loupe.open() was given, so Python gets one plain descriptor
// with every field present (null where it does not apply).
function describeSource(source) {
  const descriptor = { kind: "invalid", what: null, name: null, text: null, url: null, file: null };
  if (typeof source === "string") {
    return { ...descriptor, kind: "url", url: new URL(source, location.href).href };
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    const name = typeof File !== "undefined" && source instanceof File ? source.name : "data.csv";
    return { ...descriptor, kind: "file", file: source, name };
  }
  if (source && typeof source === "object" && "text" in source) {
    const name = source.name == null ? "pasted.csv" : String(source.name);
    if (typeof source.text !== "string") return { ...descriptor, kind: "text", name, what: typeof source.text };
    // The text itself stays here as a Blob (copying megabytes into MicroPython's
    // heap would fail); Python checks its first characters.
    return { ...descriptor, kind: "text", name, text: source.text.slice(0, 4096), file: new Blob([source.text]) };
  }
  return { ...descriptor, what: source === null ? "null" : typeof source };
}

function framedBy() {
  if (window.parent === window) return "";
  const ancestor = location.ancestorOrigins?.[0];
  let origin = ancestor ?? "";
  if (!origin && document.referrer) {
    try { origin = new URL(document.referrer).origin; } catch { origin = ""; }
  }
  if (origin === location.origin) return "";
  return origin || "another page";
}

function call(name, ...args) {
  return attached.promise.then((handlers) => new Promise((resolve, reject) => {
    try {
      handlers[name](...args,
        (json) => resolve(JSON.parse(json)),
        (message) => reject(new Error(message)));
    } catch (error) {
      reject(new Error(`Loupe failed unexpectedly: ${error.message}`));
    }
  }));
}

window.loupe = {
  ready: ready.promise,
  pythonReady: python.promise,
  open: (source, options = {}) => call("open", describeSource(source), JSON.stringify(options)),
  query: (sql) => call("query", String(sql ?? "")),
  tables: () => JSON.parse(tablesJson),
  // The view state (sources, and per table its filters, sort, grouping, columns).
  view: () => JSON.parse(viewJson),
  // Apply a table's state ({filters, search, sort, group, hidden, order, widths}) and show it.
  setTableState: (table, state) => call("setTableState", String(table ?? ""), JSON.stringify(state ?? {})),
  // Show a whole view state (as loupe.view() returns it, or from a share link):
  // its sources are opened again, local files are asked for.
  setView: (state) => call("setView", JSON.stringify(state ?? null)),
  // Transform steps (README: Steps): a table's steps and what became of each, add one, set them all,
  // preview one without applying it; undo and redo any change of the view.
  steps: (table) => call("steps", String(table ?? "")),
  addStep: (step, table) => call("addStep", JSON.stringify(step ?? null), String(table ?? "")),
  setSteps: (table, steps) => call("setSteps", String(table ?? ""), JSON.stringify(steps ?? null)),
  previewStep: (step, table) => call("previewStep", JSON.stringify(step ?? null), String(table ?? "")),
  undo: () => call("undo"),
  redo: () => call("redo"),
  // Export as code (README: Export as code): {target, label, code, file_name, language} for a table's
  // source, steps, filters and sort; targets: duckdb, pandas, notebook, sql:duckdb, sql:postgres, sql:sqlite, sql:spark, sql:bigquery,
  // sql:snowflake, sql:trino, sql:mysql.
  exportCode: (target, table) => call("exportCode", String(target ?? ""), String(table ?? "")),
  // Recipes as files (README: Recipes as files): saveRecipe gives a table's steps as the text of a
  // recipe file; applyRecipe adds a recipe's steps after a table's own, {applied, notFitting: [{step, says, position, why}], message}.
  saveRecipe: (table) => call("saveRecipe", String(table ?? "")),
  applyRecipe: (text, table) => call("applyRecipe", String(text ?? ""), String(table ?? "")),
  // Workspaces kept on this device (README: Workspaces): this tab's workspace and what it keeps,
  // every workspace, the view saved now, and Forget everything -> {erased, message}.
  workspace: () => call("workspace"),
  workspaces: () => call("workspaces"),
  saveWorkspace: () => call("saveWorkspace"),
  forget: () => call("forget"),
  // A link to the view on screen (…#state=…).
  link: () => call("link"),
  // The same calls made for the page around a framed Loupe (assets/js/messages.mjs):
  // its SQL may only read (app/core/guard.py).
  _fromPage: {
    query: (sql) => call("queryFromPage", String(sql ?? "")),
    setView: (state) => call("setViewFromPage", JSON.stringify(state ?? null)),
  },
  // The origin of the page this Loupe is framed by, when it is another origin's ("" if none).
  _framedBy: framedBy,
  // Called by Python only.
  _attach: (handlers) => attached.resolve(handlers),
  _pack: pack,
  _unpack: unpack,
  _holdLink: (held) => { linkHeld = Boolean(held); writeLink(); },
  _setTables: (json) => { tablesJson = json; },
  // Each change of view is also announced as a "loupe:view" event (embedders listen for it).
  _setView: (json) => {
    viewJson = json;
    writeLink();
    window.dispatchEvent(new CustomEvent("loupe:view", { detail: JSON.parse(json) }));
  },
  _ready: (version) => ready.resolve({ duckdb: version }),
  _pythonReady: (version) => python.resolve(version),
  _pythonFailed: (message) => python.reject(new Error(message)),
};

// Start-up progress: each step of #boot is marked as it finishes.
window.loupeBoot = {
  started: performance.now(),
  step(name, state) {
    const item = document.querySelector(`#boot [data-step="${name}"]`);
    if (item) item.dataset.state = state;
  },
  finish() {
    document.getElementById("boot").hidden = true;
    document.getElementById("table-view").hidden = false;
    document.getElementById("file-input").disabled = false;
    performance.mark("loupe:table-visible");
  },
  fail(message) {
    document.getElementById("boot-error").textContent = message;
    ready.reject(new Error(message));
  },
};
window.loupe.ready.catch(() => {});

window.loupeEngine?.ready.then(
  () => window.loupeBoot.step("engine", "done"),
  (error) => window.loupeBoot.fail(`The query engine could not start: ${error.message}. Reload the page.`),
);
