// Parquet decoding off the main thread: parquet-worker.mjs decodes a batch of
// about one row group at a time with parquet-wasm and hands back Arrow IPC
// bytes; the next batch is decoded while DuckDB inserts the current one (one
// batch ahead, so memory stays at about two row groups).

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

export class ParquetReader {
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
    if (this.cancelled) return Promise.reject(new Error("Interrupted: the load was cancelled."));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }

  // -> {groups, rows, batches}
  open(blob) {
    return this._ask({ type: "open", blob });
  }

  // -> {ipc: Uint8Array, rows}; ipc is null after the last batch
  next() {
    return this._ask({ type: "next" });
  }

  cancel() {
    this.cancelled = true;
    this.worker.terminate();
    this._settle({ type: "error", message: "Interrupted: the load was cancelled." });
  }

  close() {
    this.worker.terminate();
  }
}
