// Module worker: decodes a Parquet Blob with parquet-wasm, streaming record
// batches of about one row group each. "open" answers with the file's shape
// and starts decoding the first batch; each "next" answers with the decoded
// batch (Arrow IPC bytes, transferred) and starts the one after it, so
// decoding here overlaps the main thread's insert into DuckDB.

import init, { ParquetFile } from "../vendor/parquet-wasm-0.8.0/parquet_wasm.js";

const ready = init();
const MAX_BATCH_ROWS = 262144;
let reader = null;
let ahead = null;

function pull() {
  const decoded = reader.read().then(({ done, value }) => {
    if (done) return { ipc: null, rows: 0 };
    const rows = value.numRows;
    const ipc = value.intoIPCStream();
    return { ipc, rows };
  });
  decoded.catch(() => {}); // reported when "next" awaits it
  return decoded;
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "open") {
      await ready;
      const file = await ParquetFile.fromFile(data.blob);
      const meta = file.metadata();
      const groups = meta.numRowGroups();
      const rows = Number(meta.fileMetadata().numRows());
      const largest = Math.max(1, ...meta.rowGroups().map((g) => Number(g.numRows())));
      const batchSize = Math.min(largest, MAX_BATCH_ROWS);
      reader = (await file.stream({ batchSize })).getReader();
      ahead = pull();
      self.postMessage({ type: "meta", groups, rows, batches: Math.ceil(rows / batchSize) });
    } else if (data.type === "next") {
      const current = await ahead;
      ahead = current.ipc ? pull() : null;
      const transfer = current.ipc ? [current.ipc.buffer] : [];
      self.postMessage({ type: "batch", ipc: current.ipc, rows: current.rows }, transfer);
    }
  } catch (error) {
    self.postMessage({ type: "error", message: String(error?.message || error) });
  }
};
