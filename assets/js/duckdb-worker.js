// DuckDB-WASM's worker with the network taken away (README: Privacy).
//
// DuckDB's own web file system fetches any http(s) path named in SQL with
// XMLHttpRequest, from this worker. Loupe locks DuckDB's configuration at
// start-up so SQL cannot name such a path (assets/js/engine.mjs); this is the
// second wall: the worker may fetch its own files (the WebAssembly module
// in the vendored DuckDB folder) and nothing else, whatever DuckDB asks for.
// Loupe's loader fetches the addresses a person gives on the page itself.
"use strict";

const OWN = new URL("../vendor/duckdb-wasm-1.32.0/", self.location.href).href;
const REFUSED = "Loupe's query engine makes no network requests: SQL cannot fetch addresses. "
  + "Open the file with the URL box, then query its table.";

function allowed(url) {
  try {
    return new URL(String(url), self.location.href).href.startsWith(OWN);
  } catch {
    return false;
  }
}

// A refused request fails as a request fails offline (send() throws a
// NetworkError), which DuckDB's file system turns into an error for the query;
// an exception from open() instead would leave the query without an answer.
const refused = new WeakSet();
const { open, send } = XMLHttpRequest.prototype;
XMLHttpRequest.prototype.open = function guardedOpen(method, url, ...rest) {
  if (allowed(url)) refused.delete(this);
  else refused.add(this);
  return open.call(this, method, allowed(url) ? url : "about:blank", ...rest);
};
XMLHttpRequest.prototype.send = function guardedSend(...args) {
  if (refused.has(this)) throw new DOMException(REFUSED, "NetworkError");
  return send.apply(this, args);
};

const fetchOwn = self.fetch.bind(self);
self.fetch = (input, init) => {
  const url = typeof input === "string" || input instanceof URL ? input : input?.url;
  return allowed(url) ? fetchOwn(input, init) : Promise.reject(new TypeError(REFUSED));
};

for (const name of ["WebSocket", "EventSource", "WebTransport"]) {
  if (name in self) self[name] = function refused() { throw new Error(REFUSED); };
}

importScripts(`${OWN}duckdb-browser-eh.worker.js`);
