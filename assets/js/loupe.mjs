// window.loupe — the public API's JavaScript shell, plus start-up progress.
//
// The behaviour is Python's (app/ui/api.py): once MicroPython is up it calls
// loupe._attach(open, query, setTableState). Calls made earlier wait for that. Each call
// hands Python (args..., resolve, reject); Python settles with a JSON string
// or with a message for a person, which becomes an Error here.

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
  // Called by Python only.
  _attach: (open, query, setTableState) => attached.resolve({ open, query, setTableState }),
  _setTables: (json) => { tablesJson = json; },
  // Each change of view is also announced as a "loupe:view" event (embedders listen for it).
  _setView: (json) => {
    viewJson = json;
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
