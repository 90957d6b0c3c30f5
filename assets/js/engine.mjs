// DuckDB-WASM glue: start the engine in its own worker as soon as the page
// loads (in parallel with MicroPython), and give Python a small surface that
// crosses the JS/Python boundary once per call, with JSON strings.
//
// Behaviour (which format, which reader, what to show, what to say) lives in
// Python: app/core/load_plan.py, app/ui/opening/loader.py and app/core; Python reaches
// all of this through one adapter, app/engine/wasm.py. Here are only the
// browser primitives Python cannot do itself, by responsibility:
//   engine.mjs   starting and locking DuckDB, queries (this file)
//   loading.mjs  sources as Blobs: downloads, gzip and text decoding, files
//                registered for DuckDB, JSON and Parquet inserts
//   export.mjs   rows streamed out of DuckDB into files, downloads
//   cancel.mjs   Cancel, and the "Cancelled" error every stopped step rejects with

import * as duckdb from "duckdb";

import { tableToJson } from "./arrow-json.mjs";
import { beginLoad, cancel, checkCancelled, isCancelled, stoppable } from "./cancel.mjs";
import { exporting } from "./export.mjs";
import { loading } from "./loading.mjs";

const BASE = new URL("../vendor/duckdb-wasm-1.32.0/", import.meta.url).href;

let connection = null;
let database = null;
// What loading.mjs and export.mjs use of the engine once it has started.
const db = { database: () => database, connection: () => connection };

// The engine's configuration, set before any other SQL and then locked, so no
// statement (SET, RESET, PRAGMA, LOAD, ATTACH, COPY, a table function over a
// URL, a URL built by getvariable) can reach the network or undo it:
// - no extension is installed, loaded or autoloaded (they come from DuckDB's site);
// - only files under FILES, which Loupe registers itself, can be read or written
//   (enable_external_access = false shuts out every other path and every URL);
// - lock_configuration = true refuses every later SET or RESET.
// Python reads this back (app/core/guard.py: LOCKED) and refuses to start without it.
const FILES = "/loupe/";
const LOCK = [
  "SET autoinstall_known_extensions = false",
  "SET autoload_known_extensions = false",
  "SET allow_community_extensions = false",
  `SET allowed_directories = ['${FILES}']`,
  "SET enable_external_access = false",
  "SET lock_configuration = true",
];

async function start() {
  // The worker script is Loupe's wrapper around DuckDB's: it refuses every
  // request but those for DuckDB's own files (assets/js/duckdb-worker.js).
  const worker = new Worker(new URL("./duckdb-worker.js", import.meta.url).href);
  database = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await database.instantiate(`${BASE}duckdb-eh.wasm`);
  await database.open({ query: { castBigIntToDouble: false } });
  connection = await database.connect();
  performance.mark("loupe:engine-instantiated");
  for (const statement of LOCK) await connection.query(statement);
  const table = await connection.query("SELECT version() AS v, current_setting('lock_configuration') AS locked, "
    + "current_setting('enable_external_access') AS external");
  if (table.getChild("locked").get(0) !== true || table.getChild("external").get(0) !== false) {
    throw new Error("its settings could not be locked against network access");
  }
  return table.getChild("v").get(0);
}

// query(sql, paramsJson) -> JSON {columns: [{name, type}], rows: [[...]]}.
// Values are bound by a prepared statement: they never enter SQL text.
async function query(sql, paramsJson) {
  const params = paramsJson ? JSON.parse(paramsJson) : [];
  if (!params.length) return JSON.stringify(tableToJson(await connection.query(sql)));
  const statement = await connection.prepare(sql);
  try {
    return JSON.stringify(tableToJson(await statement.query(...params)));
  } finally {
    await statement.close();
  }
}

// Like query, but run as a pending query that cancel() can interrupt (it then
// rejects as "Cancelled"). Without parameters, connection.send runs it as a
// pending query that the worker polls, so cancelSent() stops it between
// steps; a prepared statement's send runs to its end in one go and cannot be
// interrupted.
async function queryCancellable(sql, paramsJson) {
  checkCancelled();
  const params = paramsJson ? JSON.parse(paramsJson) : [];
  const statement = params.length ? await connection.prepare(sql) : null;
  try {
    return await stoppable(() => connection.cancelSent(), async () => {
      try {
        // <body data-cancellable-sent>: statements handed to DuckDB that Cancel can stop (tests wait on it).
        const body = document.body;
        body.dataset.cancellableSent = String(Number(body.dataset.cancellableSent || 0) + 1);
        const reader = statement ? await statement.send(...params) : await connection.send(sql);
        const batches = [];
        for await (const batch of reader) batches.push(batch);
        if (!batches.length) return JSON.stringify({ columns: [], rows: [] });
        return JSON.stringify(tableToJson(new duckdb.arrow.Table(batches)));
      } catch (error) {
        throw plainError(error);
      }
    }, "query");
  } finally {
    await statement?.close();
  }
}

// Pending queries fail with DuckDB's error as JSON ({exception_type,
// exception_message, ...}); give it the "Binder Error: ..." shape every other
// query's error has.
function plainError(error) {
  try {
    const data = JSON.parse(error.message);
    if (data && data.exception_message) return new Error(`${data.exception_type} Error: ${data.exception_message}`);
  } catch {
    // not JSON: already plain
  }
  return error;
}

const ready = start();
ready.catch(() => {}); // reported through loupeBoot by assets/js/loupe.mjs

// After a WebAssembly failure in the worker: does the engine still answer a
// trivial query within timeoutMs? (A trap can leave its instance unusable.)
async function answers(timeoutMs) {
  const asked = connection.query("SELECT 1 AS ok").then(() => true, () => false);
  const late = new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs));
  return Promise.race([asked, late]);
}

// The one surface Python sees (through app/engine/wasm.py only).
window.loupeEngine = {
  ready, query, answers, queryCancellable, cancel, isCancelled, beginLoad, FILES, ...loading(db), ...exporting(db),
};
