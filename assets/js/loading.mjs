// Sources as Blobs, for app/engine/wasm.py (the loader's decisions are in
// app/core/load_plan.py): downloads, first bytes, gzip and text decoding,
// files registered for DuckDB, and the JSON and Parquet inserts. Every step
// Cancel stops rejects with the "Cancelled" error of cancel.mjs.

import * as duckdb from "duckdb";

import { cancelledError, checkCancelled, onCancel, stoppable } from "./cancel.mjs";
import { ParquetReader, prewarm as prewarmParquet } from "./parquet.mjs";

// Every address Loupe fetched for the person (the URL box, ?url=, loupe.open(url),
// <loupe-view src>), in order: the privacy indicator lists them. Nothing else
// in the page fetches another origin (README: Privacy).
const contactedUrls = [];

// `db`: {database(), connection()} of the started engine (engine.mjs).
export function loading(db) {
  function textBlob(text) {
    return new Blob([text], { type: "text/plain" });
  }

  function contacted() {
    return JSON.stringify(contactedUrls);
  }

  // Download a URL with progress. Resolves to {ok, status, statusText, blob};
  // network and CORS failures resolve with status 0 so Python can word them;
  // Cancel rejects as "Cancelled".
  async function fetchBlob(url, onProgress) {
    const abort = new AbortController();
    return stoppable(() => abort.abort(), async (stopped) => {
      let response;
      if (new URL(url, location.href).origin !== location.origin) {
        contactedUrls.push(url);
        window.dispatchEvent(new Event("loupe:contacted"));
      }
      try {
        response = await fetch(url, { credentials: "omit", signal: abort.signal });
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
        if (stopped()) throw error;
        return { ok: false, status: 0, statusText: String(error.message || error) };
      }
    }, "download");
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

  // Register a blob as DuckDB file `name`. Plain files stay lazy (DuckDB reads
  // them in place); gzip, a re-encoding from `encoding` or making every line
  // end the same (`newlines`) is done here first, in memory.
  // Resolves to JSON {size}: the bytes DuckDB will read.
  async function registerBlob(name, blob, gzip, encoding, newlines = false) {
    checkCancelled();
    const database = db.database();
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
    await db.database().registerFileText(name, `[${lines.join(",\n")}]`);
    return JSON.stringify({ size: text.length, lines: lines.length });
  }

  // Load a registered JSON array of objects as a new table (on the main
  // connection: Python calls it on its turn at the adapter's gate).
  async function insertJson(table, fileName) {
    checkCancelled();
    await db.connection().insertJSONFromPath(fileName, { name: table });
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

  // A Parquet blob opened for streaming into a table, about a row group at a
  // time, decoded in a worker (one batch ahead). Python drives it batch by
  // batch so each insert takes its turn on the main connection:
  //   rows, groups       the file's shape
  //   await next()       decode the next batch -> its rows (0 after the last)
  //   await insert(t, c) insert that batch into table t (creating it when c)
  //   close()            always, when done or failed
  async function openParquet(blob) {
    checkCancelled();
    const reader = new ParquetReader();
    let stopped = false;
    const off = onCancel(() => { stopped = true; reader.cancel(); });
    const settled = async (promise) => {
      try {
        return await promise;
      } catch (error) {
        throw stopped ? cancelledError() : error;
      }
    };
    const close = () => { off(); reader.close(); };
    let meta;
    try {
      meta = await settled(reader.open(blob));
    } catch (error) {
      close();
      throw error;
    }
    let batch = null;
    return {
      rows: meta.rows,
      groups: meta.groups,
      async next() {
        checkCancelled();
        batch = await settled(reader.next());
        return batch.ipc ? batch.rows : 0;
      },
      async insert(table, create) {
        checkCancelled();
        await settled(db.connection().insertArrowFromIPCStream(batch.ipc, { name: table, create }));
        batch = null;
      },
      close,
    };
  }

  async function arrayBuffer(blob) {
    return blob.arrayBuffer();
  }

  async function dropFile(name) {
    await db.database().dropFile(name);
  }

  return {
    textBlob, contacted, fetchBlob, head, registerBlob, registerJsonLines, insertJson, jsonProblem, openParquet,
    prewarmParquet, arrayBuffer, dropFile,
  };
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
  const reader = stream.getReader();
  return stoppable(() => reader.cancel().catch(() => {}), async (stopped) => {
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (stopped()) throw cancelledError();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) { bytes.set(chunk, at); at += chunk.byteLength; }
    return bytes;
  });
}
