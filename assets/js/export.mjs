// Exports, for app/engine/wasm.py. Python builds the SQL and decides what to
// write (app/core/export.py, app/ui/panels/export_menu.py); these loops move the
// rows from DuckDB into a file. Each batch is awaited, so the page never stops
// for long; Cancel stops them (they reject as "Cancelled", see cancel.mjs).
// They run on a connection of their own: the grid's queries on the main one
// would otherwise end a result that is still being read.

import * as duckdb from "duckdb";

import { tableToJson } from "./arrow-json.mjs";
import { cancelledError, stoppable } from "./cancel.mjs";
import { ParquetWriter, prewarm as prewarmParquet } from "./parquet.mjs";

const PARQUET_CHUNK_ROWS = 65_536; // rows per hand-over to the Parquet worker
// Rows per hand-over to the Python worker: openpyxl writes a few thousand rows
// a second, so small hand-overs keep progress and Cancel prompt.
const PYTHON_CHUNK_ROWS = 8_192;
const PROGRESS_EVERY_MS = 100;

// `db`: {database(), connection()} of the started engine (engine.mjs).
export function exporting(db) {
  let exportConnection = null;

  // Run `sql` and call `onBatch(arrowBatch)` for each batch of the result;
  // onProgress(rows) at most every PROGRESS_EVERY_MS. Resolves to {rows}.
  async function eachBatch(sql, paramsJson, onBatch, onProgress) {
    exportConnection ??= await db.database().connect();
    const params = paramsJson ? JSON.parse(paramsJson) : [];
    const statement = await exportConnection.prepare(sql);
    try {
      return await stoppable(() => exportConnection.cancelSent(), async (stopped) => {
        const reader = await statement.send(...params);
        let rows = 0;
        let reported = 0;
        for await (const batch of reader) {
          if (stopped()) throw cancelledError("export");
          await onBatch(batch);
          rows += batch.numRows;
          if (performance.now() - reported > PROGRESS_EVERY_MS) {
            reported = performance.now();
            onProgress?.(rows);
          }
        }
        if (stopped()) throw cancelledError("export");
        return { rows };
      }, "export");
    } finally {
      await statement.close();
    }
  }

  // CSV/TSV: a plan from app/core/export.py's copy_plan — statements to run
  // before, COPYs that each write one part of the file (DuckDB writes it in its
  // worker), statements to run after. -> {blob, rows}
  async function exportCopy(planJson, mime, onProgress) {
    const plan = JSON.parse(planJson);
    const database = db.database();
    const parts = [];
    let rows = 0;
    try {
      // Cancel between two parts, too.
      await stoppable(() => {}, async (stopped) => {
        for (const [sql, params] of plan.before) await eachBatch(sql, JSON.stringify(params), () => {});
        for (const [sql, params, fileName] of plan.files) {
          if (stopped()) throw cancelledError("export");
          await database.registerEmptyFileBuffer(fileName);
          try {
            await eachBatch(sql, JSON.stringify(params), (batch) => { rows += Number(batch.getChildAt(0).get(0)); });
            parts.push(new Blob([await database.copyFileToBuffer(fileName)]));
          } finally {
            await database.dropFile(fileName);
          }
          onProgress?.(rows);
        }
      }, "export");
    } finally {
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
    try {
      return await stoppable(() => writer.cancel(), async () => {
        await writer.start();
        const push = chunked((table) => writer.add(duckdb.arrow.tableToIPC(table, "stream")));
        const { rows } = await eachBatch(sql, paramsJson, push, onProgress);
        await push.flush();
        if (!rows) await writer.add(await emptyIpc(sql, paramsJson));
        return { blob: await writer.finish(), rows };
      }, "export");
    } finally {
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

  // A table's rows as Parquet for a workspace (app/ui/shell/keeping.py), each
  // on a connection of its own (a workbook's sheets are kept at once, and a
  // second streamed query would end the first) and deaf to Cancel (the
  // person's Cancel is for what they started). -> {started, done}: `started`
  // resolves once the query runs, so statements sent after it cannot change
  // what it reads (DuckDB reads one snapshot per query); `done` resolves to
  // {blob, rows}.
  function keepParquet(sql, paramsJson) {
    let started;
    const running = new Promise((resolve) => { started = resolve; });
    const done = (async () => {
      const keepConnection = await db.database().connect();
      const writer = new ParquetWriter();
      const statement = await keepConnection.prepare(sql);
      try {
        const reader = await statement.send(...JSON.parse(paramsJson));
        started();
        await writer.start();
        const push = chunked((table) => writer.add(duckdb.arrow.tableToIPC(table, "stream")));
        let rows = 0;
        for await (const batch of reader) {
          await push(batch);
          rows += batch.numRows;
        }
        await push.flush();
        if (!rows) await writer.add(duckdb.arrow.tableToIPC(await statement.query(...JSON.parse(paramsJson)), "stream"));
        return { blob: await writer.finish(), rows };
      } finally {
        started();
        writer.close();
        await statement.close();
        await keepConnection.close();
        prewarmParquet();
      }
    })();
    done.catch(() => started()); // a job that failed before its query ran is not waited for
    return { started: running, done };
  }

  return { exportCopy, exportJson, exportParquet, exportRows, workerFile, download, keepParquet };
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
