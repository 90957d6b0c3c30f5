// Module worker: decodes a Parquet Blob with parquet-wasm, in chunks of row
// groups: the first row group alone (so the first rows show early), then
// chunks of up to CHUNK_ROWS rows (each insert into DuckDB has a fixed cost,
// so fewer, larger inserts load faster). "open" answers with the file's
// shape and starts decoding chunk 0; each "next" answers with the decoded
// chunk (Arrow IPC bytes, transferred) and starts the one after it, so
// decoding here overlaps the main thread's insert into DuckDB.
//
// It also writes Parquet (exports): "write-open" starts a streaming writer,
// each "write-add" hands it Arrow IPC bytes (answered once the writer is
// ready for more, so memory stays at a few batches), "write-close" answers
// with the file as a Blob.

import init, {
  Compression, ParquetFile, Table, WriterPropertiesBuilder, transformParquetStream, writeParquet,
} from "../vendor/parquet-wasm-0.8.0/parquet_wasm.js";

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

// Row groups of DuckDB's default size, so that the file reads back in steps.
const ROW_GROUP_ROWS = 122_880;
let writing = null; // {controller, release, parts, rows, last}

function writerProperties() {
  return new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .setCreatedBy("Loupe")
    .build();
}

async function writeOpen() {
  await ready;
  const state = { controller: null, release: null, parts: null, rows: 0, last: null };
  const input = new ReadableStream({
    start(controller) { state.controller = controller; },
    pull() { state.release?.(); state.release = null; },
  }, { highWaterMark: 2 });
  // The writer reads the first batch (for the schema) before it answers.
  state.parts = transformParquetStream(input, writerProperties()).then(async (output) => {
    const parts = [];
    const reader = output.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return parts;
      parts.push(value);
    }
  });
  state.parts.catch(() => {}); // reported by "write-close"
  writing = state;
}

async function writeAdd(ipc) {
  const table = Table.fromIPCStream(ipc);
  writing.last = ipc; // the columns, should no row ever come
  for (let i = 0; i < table.numBatches; i++) {
    const batch = table.recordBatch(i);
    if (!batch.numRows) continue;
    writing.rows += batch.numRows;
    writing.controller.enqueue(batch);
  }
  table.free();
  if (writing.controller.desiredSize > 0) return;
  // Wait until the writer takes a batch, or fails (then its error is the answer).
  await Promise.race([new Promise((resolve) => { writing.release = resolve; }), writing.parts]);
}

async function writeClose() {
  const state = writing;
  writing = null;
  if (!state.rows) {
    // The streaming writer needs a first batch; a file of no rows is written whole.
    state.controller.error(new Error("no rows"));
    return new Blob([writeParquet(Table.fromIPCStream(state.last), writerProperties())],
                    { type: "application/vnd.apache.parquet" });
  }
  state.controller.close();
  return new Blob(await state.parts, { type: "application/vnd.apache.parquet" });
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
    } else if (data.type === "write-open") {
      await writeOpen();
      self.postMessage({ type: "write-ready" });
    } else if (data.type === "write-add") {
      await writeAdd(data.ipc);
      self.postMessage({ type: "write-added" });
    } else if (data.type === "write-close") {
      self.postMessage({ type: "written", blob: await writeClose() });
    }
  } catch (error) {
    self.postMessage({ type: "error", message: String(error?.message || error) });
  }
};
