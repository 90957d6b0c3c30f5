// Cancellation for the engine glue (engine.mjs, loading.mjs, export.mjs).
//
// Cancel stops whatever is running (each running step registers a stop
// callback here) and makes later load steps refuse to start until the next
// load or script begins. A step that was stopped rejects with an Error whose
// name is "Cancelled": app/engine/wasm.py turns exactly that into
// errors.Cancelled, so nothing has to recognise a cancel by its message.

const cancellers = new Set(); // callbacks that stop the running step
let cancelled = false; // set by cancel() until the next load begins

export const CANCELLED = "Cancelled";

// An Error that says the person stopped `what` ("load", "export").
export function cancelledError(what = "load") {
  const error = new Error(`the ${what} was cancelled`);
  error.name = CANCELLED;
  return error;
}

export function checkCancelled() {
  if (cancelled) throw cancelledError();
}

export function isCancelled() {
  return cancelled;
}

export function cancel() {
  cancelled = true;
  for (const stop of [...cancellers]) stop();
}

export function beginLoad() {
  cancelled = false;
}

// Call `stop` on Cancel until the returned function is called (for a step
// that spans several calls from Python, such as a Parquet file's batches).
export function onCancel(stop) {
  cancellers.add(stop);
  return () => cancellers.delete(stop);
}

// Run `work(stopped)` with `stop` registered as its canceller; a failure
// after `stop` ran is a cancellation, whatever the underlying error said.
// `stopped()` tells `work` whether Cancel was pressed meanwhile.
export async function stoppable(stop, work, what = "load") {
  let stopped = false;
  const off = onCancel(() => { stopped = true; stop(); });
  try {
    return await work(() => stopped);
  } catch (error) {
    if (stopped || error?.name === CANCELLED) throw cancelledError(what);
    throw error;
  } finally {
    off();
  }
}
