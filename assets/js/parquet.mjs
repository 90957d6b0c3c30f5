// Parquet decoding off the main thread: parquet-worker.mjs decodes a batch of
// about one row group at a time with parquet-wasm and hands back Arrow IPC
// bytes; the next batch is decoded while DuckDB inserts the current one (one
// batch ahead, so memory stays at about two row groups). ParquetWriter does
// the reverse for exports: Arrow IPC in, a Parquet Blob out, written there.

const WORKER_URL = new URL("./parquet-worker.mjs", import.meta.url);
let spare = null; // a worker with parquet-wasm already compiled, for the next file

function spawn() {
  return new Worker(WORKER_URL, { type: "module" });
}

// Start a worker and compile parquet-wasm (5 MB) now, while nothing else runs,
// so opening a Parquet file does not wait for it.
export function prewarm() {
  if (!spare) {
    spare = spawn();
    spare.postMessage({ type: "warm" });
  }
}

// One parquet-worker.mjs, asked one thing at a time.
class ParquetWorker {
  constructor() {
    this.worker = spare || spawn();
    spare = null;
    this.waiting = null;
    this.cancelled = false;
    this.worker.onmessage = ({ data }) => this._settle(data);
    this.worker.onerror = (event) => this._settle({ type: "error", message: event.message || "the Parquet reader failed to start" });
  }

  _settle(data) {
    const waiting = this.waiting;
    this.waiting = null;
    if (!waiting) return;
    if (data.type === "error") waiting.reject(new Error(data.message));
    else waiting.resolve(data);
  }

  _ask(message, transfer = []) {
    if (this.cancelled) return Promise.reject(new Error("Interrupted: cancelled."));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }

  cancel() {
    this.cancelled = true;
    this.worker.terminate();
    this._settle({ type: "error", message: "Interrupted: cancelled." });
  }

  close() {
    this.worker.terminate();
  }
}

export class ParquetReader extends ParquetWorker {
  // -> {groups, rows, batches}
  open(blob) {
    return this._ask({ type: "open", blob });
  }

  // -> {ipc: Uint8Array, rows}; ipc is null after the last batch
  next() {
    return this._ask({ type: "next" });
  }
}

// Writes Arrow IPC batches to a Parquet file in the worker (for exports).
export class ParquetWriter extends ParquetWorker {
  // -> resolves when the worker's writer is ready
  start() {
    return this._ask({ type: "write-open" });
  }

  // ipc: Uint8Array of one Arrow IPC stream (transferred); resolves when the
  // writer can take more
  add(ipc) {
    return this._ask({ type: "write-add", ipc }, [ipc.buffer]);
  }

  // -> the Parquet file as a Blob
  async finish() {
    return (await this._ask({ type: "write-close" })).blob;
  }
}
