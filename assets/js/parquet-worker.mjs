// Module worker: decodes a Parquet Blob with parquet-wasm, in chunks of row
// groups: the first row group alone (so the first rows show early), then
// chunks of up to CHUNK_ROWS rows (each insert into DuckDB has a fixed cost,
// so fewer, larger inserts load faster). "open" answers with the file's
// shape and starts decoding chunk 0; each "next" answers with the decoded
// chunk (Arrow IPC bytes, transferred) and starts the one after it, so
// decoding here overlaps the main thread's insert into DuckDB.

import init, { ParquetFile } from "../vendor/parquet-wasm-0.8.0/parquet_wasm.js";

const ready = init();
const CHUNK_ROWS = 1_100_000;
let blob = null;
let chunks = [];
let groupRows = [];
let index = 0;
let ahead = null;

function plan(groupRows) {
  if (!groupRows.length) return [];
  const out = [[0]];
  let current = [];
  let rows = 0;
  for (let g = 1; g < groupRows.length; g++) {
    if (current.length && rows + groupRows[g] > CHUNK_ROWS) {
      out.push(current);
      current = [];
      rows = 0;
    }
    current.push(g);
    rows += groupRows[g];
  }
  if (current.length) out.push(current);
  return out;
}

function decode(i) {
  // A ParquetFile serves one read, so each chunk opens its own (metadata only).
  const decoded = ParquetFile.fromFile(blob)
    .then((file) => file.read({ rowGroups: chunks[i] }))
    .then((table) => {
      const rows = chunks[i].reduce((sum, g) => sum + groupRows[g], 0);
      const ipc = table.intoIPCStream(); // consumes (frees) the wasm table
      return { ipc, rows };
    });
  decoded.catch(() => {}); // reported when "next" awaits it
  return decoded;
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "warm") {
      await ready;
    } else if (data.type === "open") {
      await ready;
      blob = data.blob;
      const file = await ParquetFile.fromFile(blob);
      const meta = file.metadata();
      groupRows = meta.rowGroups().map((g) => Number(g.numRows()));
      const rows = Number(meta.fileMetadata().numRows());
      file.free();
      chunks = plan(groupRows);
      index = 0;
      ahead = chunks.length ? decode(0) : null;
      self.postMessage({ type: "meta", groups: groupRows.length, rows, batches: chunks.length });
    } else if (data.type === "next") {
      if (!ahead) {
        self.postMessage({ type: "batch", ipc: null, rows: 0 });
        return;
      }
      const current = await ahead;
      index += 1;
      ahead = index < chunks.length ? decode(index) : null;
      self.postMessage({ type: "batch", ipc: current.ipc, rows: current.rows }, [current.ipc.buffer]);
    }
  } catch (error) {
    self.postMessage({ type: "error", message: String(error?.message || error) });
  }
};
