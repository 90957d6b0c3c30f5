// Workspaces' storage, for app/ui/shell/keeping.py (window.loupeKeep): the
// browser primitives Python cannot reach well. What to keep, when, and what it
// means is Python's (app/core/workspace.py); here are only:
//   - records in IndexedDB (database "loupe", store "workspaces", keyed by id;
//     store "meta" for the current workspace and settings), as JSON text;
//   - files in the origin's private file system (OPFS), one folder per
//     workspace under "loupe-workspaces/". Chromium's writable streams write to
//     a swap file and replace the file only on close(), so a tab killed
//     mid-write leaves no half file, only none (the record says it was not
//     complete);
//   - one Web Lock per workspace, held while the page lives: a second tab
//     does not get it and starts a workspace of its own;
//   - storage estimate and persistence; Forget everything.
// Nothing here sends a byte anywhere: every call stays on this device.

const DATABASE = "loupe";
const WORKSPACES = "workspaces";
const META = "meta";
const ROOT = "loupe-workspaces";
const RUNTIME_DATABASES = "IDBMap/";

let opened = null;

// The IndexedDB database, opened once (and again after Forget everything closed it).
function database() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(WORKSPACES)) db.createObjectStore(WORKSPACES, { keyPath: "id" });
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB could not be opened"));
    request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
  });
  opened.catch(() => { opened = null; });
  return opened;
}

// One request in its own transaction, as a promise of its result.
async function inStore(store, mode, act) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const request = act(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error ?? request.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("the write was aborted"));
  });
}

async function root(create = true) {
  const top = await navigator.storage.getDirectory();
  return top.getDirectoryHandle(ROOT, { create });
}

async function folder(id, create = true) {
  return (await root(create)).getDirectoryHandle(id, { create });
}

// Every file under `directory` as [handle, size], depth first.
async function walk(directory, out = []) {
  for await (const handle of directory.values()) {
    if (handle.kind === "directory") await walk(handle, out);
    else out.push([handle, (await handle.getFile()).size]);
  }
  return out;
}

function missing(error) {
  return error?.name === "NotFoundError" || error?.name === "TypeMismatchError";
}

// The reason a refused call gives, as "Name: message" for Python's wording.
function reason(error) {
  return `${error?.name ?? "Error"}: ${error?.message ?? error}`;
}

window.loupeKeep = {
  // "" when this browser lets Loupe keep records and files here; else why not.
  async available() {
    try {
      if (!navigator.storage?.getDirectory || !window.indexedDB) return "this browser has no private file storage";
      await database();
      await root(true);
      return "";
    } catch (error) {
      return reason(error);
    }
  },

  records: async () => JSON.stringify(await inStore(WORKSPACES, "readonly", (s) => s.getAll())),
  record: async (id) => JSON.stringify((await inStore(WORKSPACES, "readonly", (s) => s.get(String(id)))) ?? null),
  put: async (json) => { await inStore(WORKSPACES, "readwrite", (s) => s.put(JSON.parse(json))); },
  remove: async (id) => { await inStore(WORKSPACES, "readwrite", (s) => s.delete(String(id))); },
  meta: async (key) => JSON.stringify((await inStore(META, "readonly", (s) => s.get(String(key)))) ?? null),
  setMeta: async (key, json) => { await inStore(META, "readwrite", (s) => s.put(JSON.parse(json), String(key))); },

  // Write `blob` as `name` in workspace `id`'s folder; resolves to its size.
  // The file appears whole on close() or not at all.
  async write(id, name, blob) {
    const handle = await (await folder(id)).getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    try {
      await writable.write(blob);
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => {});
      throw error;
    }
    return blob.size;
  },

  // The File `name` of workspace `id` (read lazily by whoever reads it), or null.
  async file(id, name) {
    try {
      return await (await (await folder(id, false)).getFileHandle(name)).getFile();
    } catch (error) {
      if (missing(error)) return null;
      throw error;
    }
  },

  // The files of workspace `id`: JSON [[name, size]].
  async files(id) {
    try {
      const out = [];
      for await (const handle of (await folder(id, false)).values()) {
        if (handle.kind === "file") out.push([handle.name, (await handle.getFile()).size]);
      }
      return JSON.stringify(out);
    } catch (error) {
      if (missing(error)) return "[]";
      throw error;
    }
  },

  async drop(id, namesJson) {
    const names = JSON.parse(namesJson);
    let directory;
    try { directory = await folder(id, false); } catch (error) { if (missing(error)) return; throw error; }
    for (const name of names) await directory.removeEntry(name).catch((error) => { if (!missing(error)) throw error; });
  },

  async dropFolder(id) {
    await (await root(true)).removeEntry(String(id), { recursive: true }).catch((error) => {
      if (!missing(error)) throw error;
    });
  },

  // Copy every file of workspace `from` into workspace `to` (Duplicate).
  async copyFolder(from, to) {
    const source = await folder(from, false);
    for await (const handle of source.values()) {
      if (handle.kind === "file") await window.loupeKeep.write(to, handle.name, await handle.getFile());
    }
  },

  // Hold workspace `id`'s lock while this page lives; false if another tab
  // holds it. `waitMs` > 0 waits that long for it (after a reload the page
  // before may still be letting go); 0 takes it only if it is free now.
  lock(id, waitMs = 0) {
    if (!navigator.locks) return Promise.resolve(true); // nothing to coordinate with
    return new Promise((resolve, reject) => {
      const options = waitMs > 0 ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
      navigator.locks.request(`loupe-workspace-${id}`, options, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : new Promise(() => {}); // kept until the page closes
      }).catch((error) => (error?.name === "TimeoutError" || error?.name === "AbortError" ? resolve(false) : reject(error)));
    });
  },

  // The workspaces whose lock some tab holds now: JSON [id].
  async held() {
    const state = await navigator.locks?.query?.().catch(() => null);
    const names = (state?.held ?? []).map((lock) => lock.name).filter((name) => name?.startsWith("loupe-workspace-"));
    return JSON.stringify(names.map((name) => name.slice("loupe-workspace-".length)));
  },

  // {usage, quota, persisted}: what the browser says, or nulls where it does not.
  async estimate() {
    const estimate = await navigator.storage?.estimate?.().catch(() => null);
    const persisted = await navigator.storage?.persisted?.().catch(() => false);
    return JSON.stringify({ usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: !!persisted });
  },

  // Ask the browser not to clear Loupe's storage when space runs short; its answer.
  persist: async () => !!(await navigator.storage?.persist?.().catch(() => false)),

  // The bytes Loupe's files take, per workspace folder: JSON {id: bytes}.
  async usage() {
    const out = {};
    try {
      for await (const handle of (await root(false)).values()) {
        if (handle.kind !== "directory") continue;
        out[handle.name] = (await walk(handle)).reduce((sum, [, size]) => sum + size, 0);
      }
    } catch (error) {
      if (!missing(error)) throw error;
    }
    return JSON.stringify(out);
  },

  // Erase everything Loupe stored on this device: every file of the private
  // file system, every IndexedDB database, localStorage and sessionStorage,
  // and the service worker's caches but the app's own ("loupe-<version>").
  // Resolves to JSON counts of what was there.
  async forget() {
    const erased = { workspaces: 0, files: 0, bytes: 0, settings: 0, databases: 0, caches: 0 };
    const existing = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [DATABASE];
    if (existing.includes(DATABASE)) { // counted without making it again once erased
      try {
        erased.workspaces = JSON.parse(await window.loupeKeep.records()).length;
      } catch { /* unreadable: nothing to count */ }
    }
    if (opened) {
      (await opened.catch(() => null))?.close();
      opened = null;
    }
    if (navigator.storage?.getDirectory) {
      const top = await navigator.storage.getDirectory();
      for (const [, size] of await walk(top)) { erased.files += 1; erased.bytes += size; }
      for await (const name of top.keys()) await top.removeEntry(name, { recursive: true });
    }
    if (indexedDB.databases) {
      for (const { name } of await indexedDB.databases()) {
        // The Python runtime's own (PyScript's file-system map, Pyodide's package cache) hold no data and
        // stay open in its worker: deleting them would wait for it forever.
        if (name.startsWith(RUNTIME_DATABASES)) continue;
        await new Promise((resolve) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = request.onerror = request.onblocked = () => resolve();
        });
        erased.databases += 1;
      }
    }
    erased.settings = localStorage.length + sessionStorage.length;
    localStorage.clear();
    sessionStorage.clear();
    if (window.caches) {
      for (const name of await caches.keys()) {
        if (name.startsWith("loupe-")) continue; // the app itself: it holds no data
        await caches.delete(name);
        erased.caches += 1;
      }
    }
    return JSON.stringify(erased);
  },

  // This tab's workspace (kept across reloads of the tab, not by other tabs).
  tabWorkspace: () => sessionStorage.getItem("loupe-workspace") ?? "",
  setTabWorkspace: (id) => { try { sessionStorage.setItem("loupe-workspace", String(id)); } catch { /* refused */ } },
  // Whether this page was loaded by a reload (or back/forward) of the same tab.
  reloaded() {
    const type = performance.getEntriesByType("navigation")[0]?.type;
    return type === "reload" || type === "back_forward";
  },
};
