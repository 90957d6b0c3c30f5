// The postMessage API: window.loupe for a parent page, when Loupe runs in an iframe.
//
// Routing only — every operation is a window.loupe call (assets/js/loupe.mjs,
// behaviour in app/ui/shell/api.py). README "Embedding Loupe" documents the protocol:
//
//   parent → Loupe  {type: "loupe:open" | "loupe:query" | "loupe:tables" | "loupe:getView"
//                          | "loupe:setTableState" | "loupe:setView" | "loupe:steps" | "loupe:addStep" | "loupe:exportCode"
//                          | "loupe:saveRecipe" | "loupe:applyRecipe"
//                          | "loupe:undo" | "loupe:redo" | "loupe:ping", id, ...}
//   Loupe → parent  {type: "loupe:ready", version, duckdb}, {type: "loupe:view", state},
//                   {type: "loupe:result", id, ...}, {type: "loupe:error", id, message}
//
// Which parents may talk to Loupe comes from the page's own address:
// ?origin=https://a.example (repeatable or comma-separated). Without it any
// origin is accepted. Messages from other origins get no reply at all.
//
// Privacy (README: Privacy): the parent's SQL may only read (loupe:query, and
// the query sources of loupe:setView: app/core/guard.py); the view state is
// broadcast (loupe:view) only to listed origins; and a file the visitor opens
// in the frame is opened only once they agreed that the page around can read it
// (app/ui/opening/ways_in.py).

const PROTOCOL_VERSION = 1;
const PREFIX = "loupe:";

// The allowed origins, normalised ("https://a.example/" → "https://a.example").
function allowedOrigins() {
  const listed = new URLSearchParams(location.search).getAll("origin")
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);
  return listed.map((value) => {
    try { return new URL(value).origin; } catch { return value; }
  });
}

// Each request type: check the message, then call window.loupe; the promise's
// value is merged into the loupe:result reply. A thrown Error becomes loupe:error.
const HANDLERS = {
  open: async (message) => {
    const { name, data, url, options } = message;
    if (name !== undefined && typeof name !== "string") {
      throw new Error("loupe:open's name must be a string such as 'sales.csv' (it names the table).");
    }
    if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) {
      throw new Error("loupe:open's options must be an object such as {table: 'sales'}, or left out.");
    }
    return await loupe.open(openSource(name, data, url), options ?? {});
  },
  query: async ({ sql }) => {
    if (typeof sql !== "string") {
      throw new Error("loupe:query needs sql as a string, for example {type: 'loupe:query', id: 1, sql: 'SELECT 1'}.");
    }
    return await loupe._fromPage.query(sql);
  },
  tables: async () => ({ tables: loupe.tables() }),
  getView: async () => ({ state: loupe.view() }),
  setTableState: async ({ table, state }) => {
    if (typeof table !== "string") {
      throw new Error("loupe:setTableState needs table as a string: the name of an open table (see loupe:tables).");
    }
    if (!isPlainObject(state)) {
      throw new Error("loupe:setTableState needs state as an object such as {sort: [['x', 'desc']]}.");
    }
    return { state: (await loupe.setTableState(table, state)) ?? loupe.view() };
  },
  setView: async ({ state }) => {
    if (typeof loupe.setView !== "function") {
      throw new Error("This version of Loupe cannot apply a whole view yet; use loupe:setTableState per table.");
    }
    if (!isPlainObject(state)) {
      throw new Error("loupe:setView needs state as an object: a view state as loupe:getView returns it.");
    }
    return { state: (await loupe._fromPage.setView(state)) ?? loupe.view() };
  },
  // Transform steps, with the same meaning as loupe.steps / addStep / undo / redo (README: Steps).
  steps: async ({ table }) => {
    if (table !== undefined && typeof table !== "string") throw new Error("loupe:steps's table must be a string, or left out for the table shown.");
    return await loupe.steps(table ?? "");
  },
  addStep: async ({ step, table }) => {
    if (!isPlainObject(step)) {
      throw new Error("loupe:addStep needs step as an object such as {kind: 'derive', name: 'total', expression: 'price * qty'}.");
    }
    if (table !== undefined && typeof table !== "string") throw new Error("loupe:addStep's table must be a string, or left out for the table shown.");
    return await loupe.addStep(step, table ?? "");
  },
  undo: async () => await loupe.undo(),
  redo: async () => await loupe.redo(),
  // Export as code, as loupe.exportCode: the code of the steps and view (no rows), {target, code, file_name, …}.
  exportCode: async ({ target, table }) => {
    if (typeof target !== "string") throw new Error("loupe:exportCode needs target as a string, for example {type: 'loupe:exportCode', id: 1, target: 'duckdb'}.");
    if (table !== undefined && typeof table !== "string") throw new Error("loupe:exportCode's table must be a string, or left out for the table shown.");
    return await loupe.exportCode(target, table ?? "");
  },
  // Recipes as files, as loupe.saveRecipe / applyRecipe: {text} of a table's recipe; a recipe's text applied.
  saveRecipe: async ({ table }) => {
    if (table !== undefined && typeof table !== "string") throw new Error("loupe:saveRecipe's table must be a string, or left out for the table shown.");
    return { text: await loupe.saveRecipe(table ?? "") };
  },
  applyRecipe: async ({ text, table }) => {
    if (typeof text !== "string") throw new Error("loupe:applyRecipe needs text: the recipe file's text as a string, for example {type: 'loupe:applyRecipe', id: 1, text}.");
    if (table !== undefined && typeof table !== "string") throw new Error("loupe:applyRecipe's table must be a string, or left out for the table shown.");
    return await loupe.applyRecipe(text, table ?? "");
  },
};

// What loupe.open() is given for a message's data: text stays text, bytes become a named File.
function openSource(name, data, url) {
  if (data === undefined && typeof url === "string") return url; // resolved against Loupe's page
  if (typeof data === "string") return { name: name ?? "pasted.csv", text: data };
  if (data instanceof Blob) {
    return data instanceof File && name === undefined ? data : new File([data], name ?? "data.csv", { type: data.type });
  }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new File([data], name ?? "data.csv");
  const what = data === null ? "null" : data === undefined ? "nothing" : typeof data;
  throw new Error(`loupe:open needs data as a string (CSV, JSON… text), an ArrayBuffer, a typed array, `
    + `a Blob or a File (or url: a file's address); it got ${what}.`);
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

// Ask for the message's handler, or say what is wrong with the message.
function handlerFor(type) {
  const name = typeof type === "string" && type.startsWith(PREFIX) ? type.slice(PREFIX.length) : null;
  if (name && Object.hasOwn(HANDLERS, name)) return HANDLERS[name];
  const known = [...Object.keys(HANDLERS), "ping"].map((k) => PREFIX + k).join(", ");
  const got = typeof type === "string" ? `'${type}'` : "no type";
  return () => { throw new Error(`Loupe does not understand a message with ${got}; it understands ${known}.`); };
}

function start() {
  const origins = allowedOrigins();
  const ready = loupe.ready.then((info) => ({ type: "loupe:ready", version: PROTOCOL_VERSION, duckdb: info?.duckdb ?? null }));

  // Broadcasts go to the parent only. "Ready" (no data in it) goes to any
  // origin when none is listed; the view state only ever to listed origins.
  const broadcast = (message, anyOrigin) => {
    for (const origin of origins.length ? origins : anyOrigin ? ["*"] : []) window.parent.postMessage(message, origin);
  };
  ready.then((hello) => broadcast(hello, true),
    (error) => broadcast({ type: "loupe:error", id: null, message: messageOf(error) }, true));
  window.addEventListener("loupe:view", (event) => broadcast({ type: "loupe:view", state: event.detail }, false));

  // <body data-messages>: messages from other windows dealt with so far — answered (the answer
  // posted) or ignored — so a test can tell "ignored" from "not handled yet".
  window.addEventListener("message", (event) => {
    if (event.source === window || !event.source) return;
    handle(event).finally(() => {
      document.body.dataset.messages = String(Number(document.body.dataset.messages || "0") + 1);
    });
  });

  async function handle(event) {
    if (origins.length && !origins.includes(event.origin)) return; // not an allowed parent: silence
    const message = event.data;
    if (!isPlainObject(message)) return;
    const { type, id } = message;
    if (typeof type === "string" && !type.startsWith(PREFIX)) return; // another protocol's message
    // Replies go back to the window that asked, readable by its origin only
    // (an opaque origin, "null", cannot be named: that window is answered with "*").
    const target = event.origin === "null" ? "*" : event.origin;
    const reply = (answer) => {
      try {
        event.source.postMessage(answer, target);
      } catch (error) { // a value that cannot be cloned: say so instead of staying silent
        event.source.postMessage({ type: "loupe:error", id, message: `Loupe could not send its answer: ${messageOf(error)}` }, target);
      }
    };
    if (type === "loupe:ping") {
      await ready.then((hello) => reply(id === undefined ? hello : { ...hello, id }), () => {});
      return;
    }
    if (id === undefined || id === null) {
      console.warn("Loupe ignored a message without an id (every request needs one to be answered):", message);
      return;
    }
    try {
      reply({ ...(await handlerFor(type)(message)), type: "loupe:result", id });
    } catch (error) {
      reply({ type: "loupe:error", id, message: messageOf(error) });
    }
  }
}

// Only a page inside a frame has a parent to talk to.
if (window.parent !== window && window.loupe) start();
