// DuckDB-WASM glue: start the engine in its own worker as soon as the page
// loads (in parallel with MicroPython), and give Python a small surface that
// crosses the JS/Python boundary once per call, with JSON strings.
//
// Behaviour (which format, which reader, what to show, what to say) lives in
// Python: app/ui/loader.py and app/core. Here are only the browser
// primitives Python cannot do itself: DuckDB calls, Blob streams, gzip and
// text decoding, Parquet decoding (in its own worker), and cancellation.

import * as duckdb from "duckdb";

import { tableToJson } from "./arrow-json.mjs";
import { ParquetReader, ParquetWriter, prewarm as prewarmParquet } from "./parquet.mjs";

const BASE = new URL("../vendor/duckdb-wasm-1.32.0/", import.meta.url).href;

let connection = null;
let database = null;
const cancellers = new Set(); // callbacks that stop the running load
let cancelled = false; // set by cancel() until the next load begins: later steps refuse to start

function checkCancelled() {
  if (cancelled) throw new Error("Interrupted: the load was cancelled.");
}

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

// Like query, but run as a pending query that cancel() can interrupt.
// Without parameters, connection.send runs it as a pending query that the
// worker polls, so cancelSent() stops it between steps; a prepared
// statement's send runs to its end in one go and cannot be interrupted.
async function queryCancellable(sql, paramsJson) {
  checkCancelled();
  const params = paramsJson ? JSON.parse(paramsJson) : [];
  const statement = params.length ? await connection.prepare(sql) : null;
  const stop = () => connection.cancelSent();
  cancellers.add(stop);
  try {
    const reader = statement ? await statement.send(...params) : await connection.send(sql);
    const batches = [];
    for await (const batch of reader) batches.push(batch);
    if (!batches.length) return JSON.stringify({ columns: [], rows: [] });
    return JSON.stringify(tableToJson(new duckdb.arrow.Table(batches)));
  } catch (error) {
    throw plainError(error);
  } finally {
    cancellers.delete(stop);
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

function cancel() {
  cancelled = true;
  for (const stop of [...cancellers]) stop();
}

function beginLoad() {
  cancelled = false;
}

// --- sources as Blobs -------------------------------------------------------

function textBlob(text) {
  return new Blob([text], { type: "text/plain" });
}

// Every address Loupe fetched for the person (the URL box, ?url=, loupe.open(url),
// <loupe-view src>), in order: the privacy indicator lists them. Nothing else
// in the page fetches another origin (README: Privacy).
const contactedUrls = [];

function contacted() {
  return JSON.stringify(contactedUrls);
}

// Download a URL with progress. Resolves to {ok, status, statusText, blob};
// network and CORS failures resolve with status 0 so Python can word them.
async function fetchBlob(url, onProgress) {
  const abort = new AbortController();
  const stop = () => abort.abort();
  cancellers.add(stop);
  try {
    let response;
    if (new URL(url, location.href).origin !== location.origin) {
      contactedUrls.push(url);
      window.dispatchEvent(new Event("loupe:contacted"));
    }
    try {
      response = await fetch(url, { credentials: "omit", signal: abort.signal });
    } catch (error) {
      return { ok: false, status: 0, statusText: abort.signal.aborted ? "cancelled" : String(error.message || error) };
    }
    if (!response.ok) return { ok: false, status: response.status, statusText: response.statusText };
    const total = Number(response.headers.get("Content-Length")) || 0;
    const chunks = [];
    let loaded = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.(loaded, total);
    }
    return { ok: true, status: response.status, statusText: "", blob: new Blob(chunks) };
  } catch (error) {
    return { ok: false, status: 0, statusText: abort.signal.aborted ? "cancelled" : String(error.message || error) };
  } finally {
    cancellers.delete(stop);
  }
}

// The first `count` bytes of a blob (after gunzip when `gzip`), as JSON.
async function head(blob, count, gzip) {
  if (!gzip) return JSON.stringify(Array.from(new Uint8Array(await blob.slice(0, count).arrayBuffer())));
  const reader = blob.stream().pipeThrough(new DecompressionStream("gzip")).getReader();
  const out = [];
  try {
    while (out.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      out.push(...value.subarray(0, count - out.length));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return JSON.stringify(out);
}

// Every line ending (CR LF, CR) made LF, across chunk boundaries: DuckDB's
// CSV reader cannot read a file that mixes them.
function oneLineEnding() {
  let pendingCr = false;
  return new TransformStream({
    transform(chunk, controller) {
      const out = new Uint8Array(chunk.byteLength + 1);
      let n = 0;
      let i = 0;
      if (pendingCr) { out[n++] = 10; pendingCr = false; if (chunk[0] === 10) i = 1; }
      for (; i < chunk.byteLength; i++) {
        const byte = chunk[i];
        if (byte !== 13) { out[n++] = byte; continue; }
        if (i + 1 === chunk.byteLength) { pendingCr = true; break; }
        out[n++] = 10;
        if (chunk[i + 1] === 10) i++;
      }
      controller.enqueue(out.subarray(0, n));
    },
    flush(controller) { if (pendingCr) controller.enqueue(new Uint8Array([10])); },
  });
}

// Bytes of a blob, gunzipped and/or re-encoded to UTF-8 and/or with one line ending on the way.
async function decodedBytes(blob, gzip, encoding, newlines) {
  let stream = blob.stream();
  if (gzip) stream = stream.pipeThrough(new DecompressionStream("gzip"));
  if (encoding) stream = stream.pipeThrough(new TextDecoderStream(encoding)).pipeThrough(new TextEncoderStream());
  if (newlines) stream = stream.pipeThrough(oneLineEnding());
  const abort = new AbortController();
  const stop = () => abort.abort();
  cancellers.add(stop);
  try {
    const chunks = [];
    let size = 0;
    const reader = stream.getReader();
    for (;;) {
      if (abort.signal.aborted) { reader.cancel(); throw new Error("Interrupted: the load was cancelled."); }
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) { bytes.set(chunk, at); at += chunk.byteLength; }
    return bytes;
  } finally {
    cancellers.delete(stop);
  }
}

// Register a blob as DuckDB file `name`. Plain files stay lazy (DuckDB reads
// them in place); gzip, a re-encoding from `encoding` or making every line
// end the same (`newlines`) is done here first, in memory.
// Resolves to JSON {size}: the bytes DuckDB will read.
async function registerBlob(name, blob, gzip, encoding, newlines = false) {
  checkCancelled();
  if (!gzip && !encoding && !newlines) {
    await database.registerFileHandle(name, blob, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    return JSON.stringify({ size: blob.size });
  }
  const bytes = await decodedBytes(blob, gzip, encoding, newlines);
  const size = bytes.byteLength;
  await database.registerFileBuffer(name, bytes);
  return JSON.stringify({ size });
}

// JSON Lines become one JSON array (DuckDB-WASM's built-in reader takes arrays).
async function registerJsonLines(name, blob, gzip, encoding) {
  checkCancelled();
  const text = new TextDecoder().decode(await decodedBytes(blob, gzip, encoding));
  const lines = text.split(/\r?\n/).filter((line) => line.trim());
  await database.registerFileText(name, `[${lines.join(",\n")}]`);
  return JSON.stringify({ size: text.length, lines: lines.length });
}

// Load a registered JSON array of objects as a new table.
async function insertJson(table, fileName) {
  checkCancelled();
  await connection.insertJSONFromPath(fileName, { name: table });
}

// Why a JSON blob does not parse, in the browser's words ("" if it does).
async function jsonProblem(blob, gzip, encoding, lines) {
  const text = new TextDecoder().decode(await decodedBytes(blob, gzip, encoding));
  const parts = lines ? text.split(/\r?\n/).filter((line) => line.trim()) : [text];
  for (let i = 0; i < parts.length; i++) {
    try {
      JSON.parse(parts[i]);
    } catch (error) {
      return lines ? `line ${i + 1}: ${error.message}` : error.message;
    }
  }
  return "";
}

// Stream a Parquet blob into a new table, about a row group at a time, decoded
// in a worker. onProgress(rows, totalRows) after each batch.
async function insertParquet(table, blob, onProgress) {
  checkCancelled();
  const reader = new ParquetReader();
  const stop = () => reader.cancel();
  cancellers.add(stop);
  try {
    let rows = 0;
    const meta = await reader.open(blob);
    for (let first = true; ; first = false) {
      const batch = await reader.next();
      if (!batch.ipc) {
        if (first) throw new Error("the file has no rows to read");
        break;
      }
      await connection.insertArrowFromIPCStream(batch.ipc, { name: table, create: first });
      rows += batch.rows;
      onProgress?.(rows, meta.rows);
    }
    return JSON.stringify({ rows, groups: meta.groups });
  } finally {
    cancellers.delete(stop);
    reader.close();
  }
}

// --- exports ----------------------------------------------------------------
// Python builds the SQL and decides what to write (app/core/export.py,
// app/ui/export_menu.py); these loops move the rows from DuckDB into a file.
// Each batch is awaited, so the page never stops for long; Cancel stops them.
// They run on a connection of their own: the grid's queries on the main one
// would otherwise end a result that is still being read.

const PARQUET_CHUNK_ROWS = 65_536; // rows per hand-over to the Parquet worker
// Rows per hand-over to the Python worker: openpyxl writes a few thousand rows
// a second, so small hand-overs keep progress and Cancel prompt.
const PYTHON_CHUNK_ROWS = 8_192;
const PROGRESS_EVERY_MS = 100;
let exportConnection = null;

// Run `sql` and call `onBatch(arrowBatch)` for each batch of the result;
// onProgress(rows) at most every PROGRESS_EVERY_MS. Resolves to {rows}.
async function eachBatch(sql, paramsJson, onBatch, onProgress) {
  exportConnection ??= await database.connect();
  const params = paramsJson ? JSON.parse(paramsJson) : [];
  const statement = await exportConnection.prepare(sql);
  let stopped = false;
  const stop = () => { stopped = true; exportConnection.cancelSent(); };
  cancellers.add(stop);
  try {
    const reader = await statement.send(...params);
    let rows = 0;
    let reported = 0;
    for await (const batch of reader) {
      if (stopped) throw new Error("Interrupted: the export was cancelled.");
      await onBatch(batch);
      rows += batch.numRows;
      if (performance.now() - reported > PROGRESS_EVERY_MS) {
        reported = performance.now();
        onProgress?.(rows);
      }
    }
    if (stopped) throw new Error("Interrupted: the export was cancelled.");
    return { rows };
  } finally {
    cancellers.delete(stop);
    await statement.close();
  }
}

// Batches gathered up to PARQUET_CHUNK_ROWS, then handed to `flush(table)`.
function chunked(flush) {
  let pending = [];
  let size = 0;
  const push = async (batch) => {
    pending.push(batch);
    size += batch.numRows;
    if (size >= PARQUET_CHUNK_ROWS) await push.flush();
  };
  push.flush = async () => {
    if (!pending.length) return;
    const table = new duckdb.arrow.Table(pending);
    pending = [];
    size = 0;
    await flush(table);
  };
  return push;
}

// CSV/TSV: a plan from app/core/export.py's copy_plan — statements to run
// before, COPYs that each write one part of the file (DuckDB writes it in its
// worker), statements to run after. -> {blob, rows}
async function exportCopy(planJson, mime, onProgress) {
  const plan = JSON.parse(planJson);
  const parts = [];
  let rows = 0;
  let stopped = false; // Cancel between two parts
  const stop = () => { stopped = true; };
  cancellers.add(stop);
  try {
    for (const [sql, params] of plan.before) await eachBatch(sql, JSON.stringify(params), () => {});
    for (const [sql, params, fileName] of plan.files) {
      if (stopped) throw new Error("Interrupted: the export was cancelled.");
      await database.registerEmptyFileBuffer(fileName);
      try {
        await eachBatch(sql, JSON.stringify(params), (batch) => { rows += Number(batch.getChildAt(0).get(0)); });
        parts.push(new Blob([await database.copyFileToBuffer(fileName)]));
      } finally {
        await database.dropFile(fileName);
      }
      onProgress?.(rows);
    }
  } finally {
    cancellers.delete(stop);
    for (const [sql, params] of plan.after) await eachBatch(sql, JSON.stringify(params), () => {}).catch(() => {});
  }
  return { blob: new Blob(parts, { type: mime }), rows };
}

// JSON: an array of objects, one line per row, built batch by batch into
// Blob parts (never one giant string). Values as in arrow-json.mjs.
// -> {blob, rows}
async function exportJson(sql, paramsJson, onProgress) {
  const parts = ["["];
  const { rows } = await eachBatch(sql, paramsJson, (batch) => {
    const { columns, rows: values } = tableToJson(new duckdb.arrow.Table([batch]));
    const keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
    const lines = values.map((row) => `{${row.map((v, i) => keys[i] + JSON.stringify(v)).join(",")}}`);
    // A Blob per batch: the text is encoded now, a batch at a time, not all at the end.
    if (lines.length) parts.push(new Blob([(parts.length > 1 ? ",\n" : "\n") + lines.join(",\n")]));
  }, onProgress);
  parts.push("\n]\n");
  return { blob: new Blob(parts, { type: "application/json" }), rows };
}

// Parquet: Arrow IPC chunks written by parquet-wasm in its worker.
// -> {blob, rows}
async function exportParquet(sql, paramsJson, onProgress) {
  const writer = new ParquetWriter();
  const stop = () => writer.cancel();
  cancellers.add(stop);
  try {
    await writer.start();
    const push = chunked((table) => writer.add(duckdb.arrow.tableToIPC(table, "stream")));
    const { rows } = await eachBatch(sql, paramsJson, push, onProgress);
    await push.flush();
    if (!rows) await writer.add(await emptyIpc(sql, paramsJson));
    return { blob: await writer.finish(), rows };
  } finally {
    cancellers.delete(stop);
    writer.close();
    prewarmParquet(); // the writer took the spare worker; have one ready for the next file
  }
}

// A result without rows as Arrow IPC of its columns (a streamed empty result
// has no batch to take them from).
async function emptyIpc(sql, paramsJson) {
  const statement = await exportConnection.prepare(sql);
  try {
    return duckdb.arrow.tableToIPC(await statement.query(...JSON.parse(paramsJson)), "stream");
  } finally {
    await statement.close();
  }
}

// Rows as JSON arrays (arrow-json.mjs values), PYTHON_CHUNK_ROWS at a time,
// to `target[method](json)` — a function of the Python worker (Excel). The
// method is looked up here so that the rows never pass through MicroPython;
// each batch is converted in its own task. -> rows
async function exportRows(sql, paramsJson, target, method, onProgress) {
  let pending = [];
  let size = 0;
  const flush = async () => {
    if (!pending.length) return;
    const json = `[${pending.join(",")}]`;
    pending = [];
    size = 0;
    await target[method](json);
  };
  const { rows } = await eachBatch(sql, paramsJson, async (batch) => {
    const values = tableToJson(new duckdb.arrow.Table([batch])).rows;
    if (values.length) pending.push(JSON.stringify(values).slice(1, -1));
    size += values.length;
    if (size >= PYTHON_CHUNK_ROWS) await flush();
  }, onProgress);
  await flush();
  return rows;
}

// The file a Python worker function `target[method]()` returns as
// [bytes, notesJson], as {blob, notes} (the bytes stay out of MicroPython).
async function workerFile(target, method, mime) {
  const [bytes, notes] = await target[method]();
  return { blob: new Blob([bytes], { type: mime }), notes };
}

// Save a Blob as a download named `name`.
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // the browser has the file long before
}

async function arrayBuffer(blob) {
  return blob.arrayBuffer();
}

async function dropFile(name) {
  await database.dropFile(name);
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

window.loupeEngine = {
  ready, query, answers, queryCancellable, cancel, beginLoad, textBlob, fetchBlob, head, registerBlob,
  registerJsonLines, insertJson, jsonProblem, insertParquet, prewarmParquet, arrayBuffer, dropFile,
  exportCopy, exportJson, exportParquet, exportRows, workerFile, download, contacted, FILES,
};
