// What a workspace would pay to keep a table in the origin's private file
// system (OPFS) and bring it back, by format, on this browser. A chosen file
// (CSV or Parquet) is loaded into DuckDB-WASM as table t, then kept and read
// back three ways:
//   - Parquet written by parquet-wasm in Loupe's own worker (assets/js/parquet.mjs,
//     as export.mjs keepParquet does), read back batch by batch into a new table
//     (as app/engine/wasm.py insert_parquet does);
//   - Arrow IPC streams (duckdb.arrow.tableToIPC of batches of the result), one
//     file of length-prefixed streams, inserted back with insertArrowFromIPCStream;
//   - DuckDB's own database file (opfs://, a second engine), written by inserting
//     the same Arrow batches and CHECKPOINT; "read back" is opening it again and
//     answering the first page and count(*) in a freshly instantiated engine (the
//     instantiation is not counted; the file is read lazily, so not the same work).
// window.keepResult = {rows, parquet: {...}, arrow: {...}, duckdb: {...}}, each
// {bytes, writeMs, firstMs, readMs, rows} (or {error}); window.keepError on failure.
import * as duckdb from "duckdb";
import { ParquetReader, ParquetWriter } from "/assets/js/parquet.mjs";

const base = "/assets/vendor/duckdb-wasm-1.32.0/";
const FOLDER = "loupe-bench-formats";
const KEEP_CHUNK_ROWS = 65_536; // export.mjs PARQUET_CHUNK_ROWS
const FIRST_ROWS = 122_880; // a first chunk the size of DuckDB's row group (shows early)
const ARROW_CHUNK_ROWS = 983_040; // then 8 row groups a chunk (few, large inserts)

async function engine() {
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(`${base}duckdb-browser-eh.worker.js`));
  await db.instantiate(`${base}duckdb-eh.wasm`);
  return db;
}

const db = await engine();
const conn = await db.connect();

async function folder() {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(FOLDER, { create: true });
}

async function clear() {
  await (await navigator.storage.getDirectory()).removeEntry(FOLDER, { recursive: true }).catch(() => {});
}

async function count(connection, table) {
  return Number((await connection.query(`SELECT count(*)::INT AS n FROM ${table}`)).toArray()[0].n);
}

// Batches of `reader` gathered up to `limit(rowsSoFar)` rows, handed to `flush(arrowTable)`.
async function gathered(reader, limit, flush) {
  let pending = [];
  let size = 0;
  let rows = 0;
  for await (const batch of reader) {
    pending.push(batch);
    size += batch.numRows;
    if (size >= limit(rows)) {
      await flush(new duckdb.arrow.Table(pending));
      rows += size;
      pending = [];
      size = 0;
    }
  }
  if (pending.length) {
    await flush(new duckdb.arrow.Table(pending));
    rows += size;
  }
  return rows;
}

async function parquetFormat(keepConn) {
  await clear();
  const t0 = performance.now();
  const writer = new ParquetWriter();
  await writer.start();
  const reader = await keepConn.send("SELECT * FROM t");
  await gathered(reader, () => KEEP_CHUNK_ROWS, (table) => writer.add(duckdb.arrow.tableToIPC(table, "stream")));
  const blob = await writer.finish();
  writer.close();
  const handle = await (await folder()).getFileHandle("t.parquet", { create: true });
  const writable = await handle.createWritable();
  await writable.write(blob);
  await writable.close();
  const writeMs = performance.now() - t0;

  await conn.query("DROP TABLE IF EXISTS back_parquet");
  const r0 = performance.now();
  const file = await handle.getFile();
  const back = new ParquetReader();
  await back.open(file);
  let firstMs = null;
  for (let first = true; ; first = false) {
    const batch = await back.next();
    if (!batch.ipc) break;
    await conn.insertArrowFromIPCStream(batch.ipc, { name: "back_parquet", create: first });
    firstMs ??= performance.now() - r0;
  }
  back.close();
  const readMs = performance.now() - r0;
  return { bytes: file.size, writeMs, firstMs, readMs, rows: await count(conn, "back_parquet") };
}

async function arrowFormat(keepConn) {
  await clear();
  const t0 = performance.now();
  const handle = await (await folder()).getFileHandle("t.arrows", { create: true });
  const writable = await handle.createWritable();
  const reader = await keepConn.send("SELECT * FROM t");
  await gathered(reader, (rows) => (rows ? ARROW_CHUNK_ROWS : FIRST_ROWS), async (table) => {
    const ipc = duckdb.arrow.tableToIPC(table, "stream");
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, ipc.byteLength, true);
    await writable.write(length);
    await writable.write(ipc);
  });
  await writable.close();
  const writeMs = performance.now() - t0;

  await conn.query("DROP TABLE IF EXISTS back_arrow");
  const r0 = performance.now();
  const file = await handle.getFile();
  let firstMs = null;
  for (let offset = 0, first = true; offset < file.size; first = false) {
    const length = new DataView(await file.slice(offset, offset + 4).arrayBuffer()).getUint32(0, true);
    const ipc = new Uint8Array(await file.slice(offset + 4, offset + 4 + length).arrayBuffer());
    offset += 4 + length;
    await conn.insertArrowFromIPCStream(ipc, { name: "back_arrow", create: first });
    firstMs ??= performance.now() - r0;
  }
  const readMs = performance.now() - r0;
  return { bytes: file.size, writeMs, firstMs, readMs, rows: await count(conn, "back_arrow") };
}

async function duckdbFormat(keepConn) {
  await clear();
  await folder();
  const path = `opfs://${FOLDER}/t.duckdb`;
  const t0 = performance.now();
  let other = await engine();
  await other.open({ path, accessMode: duckdb.DuckDBAccessMode.READ_WRITE });
  let otherConn = await other.connect();
  const reader = await keepConn.send("SELECT * FROM t");
  let first = true;
  await gathered(reader, (rows) => (rows ? ARROW_CHUNK_ROWS : FIRST_ROWS), async (table) => {
    await otherConn.insertArrowFromIPCStream(duckdb.arrow.tableToIPC(table, "stream"), { name: "t", create: first });
    first = false;
  });
  await otherConn.query("CHECKPOINT");
  await otherConn.close();
  await other.terminate();
  const writeMs = performance.now() - t0;
  let bytes = 0;
  for await (const entry of (await folder()).values()) {
    if (entry.kind === "file") bytes += (await entry.getFile()).size;
  }

  other = await engine(); // not counted: a restart instantiates the engine anyway
  const r0 = performance.now();
  await other.open({ path, accessMode: duckdb.DuckDBAccessMode.READ_WRITE });
  otherConn = await other.connect();
  await otherConn.query("SELECT * FROM t LIMIT 200");
  const firstMs = performance.now() - r0;
  const rows = await count(otherConn, "t");
  const readMs = performance.now() - r0;
  await otherConn.close();
  await other.terminate();
  return { bytes, writeMs, firstMs, readMs, rows };
}

document.getElementById("file-input").addEventListener("change", async (event) => {
  try {
    const file = event.target.files[0];
    if (file.name.endsWith(".parquet")) {
      const reader = new ParquetReader();
      await reader.open(file);
      for (let first = true; ; first = false) {
        const batch = await reader.next();
        if (!batch.ipc) break;
        await conn.insertArrowFromIPCStream(batch.ipc, { name: "t", create: first });
      }
      reader.close();
    } else {
      await db.registerFileHandle("data.csv", file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
      await conn.query("CREATE TABLE t AS SELECT * FROM read_csv('data.csv')");
    }
    const rows = await count(conn, "t");
    const keepConn = await db.connect(); // a connection of its own, as export.mjs keepParquet
    const result = { rows };
    for (const [name, measure] of [["parquet", parquetFormat], ["arrow", arrowFormat], ["duckdb", duckdbFormat]]) {
      try {
        result[name] = await measure(keepConn);
      } catch (error) {
        result[name] = { error: String(error?.message || error) };
      }
      await conn.query("DROP TABLE IF EXISTS back_parquet; DROP TABLE IF EXISTS back_arrow");
    }
    await clear();
    window.keepResult = result;
  } catch (error) {
    window.keepError = String(error?.stack || error);
  }
});
window.peerReady = true;
