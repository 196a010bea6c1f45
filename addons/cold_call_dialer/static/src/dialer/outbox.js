/** @odoo-module **/

const VERSION = 1;
const DRAFT_ID = "current";

/** The name of the outbox of ``userId`` in database ``db``: each user of the browser has their own. */
export function outboxName(db, userId) {
    return `cold_call_dialer:${db}:${userId}`;
}

/**
 * The Dialer's outbox, in the browser's IndexedDB (one database per Odoo database and user): the
 * calls saved while the server could not be reached, each with the key that makes the server save
 * it once, and the call form being typed. A reload, a closed tab or a restarted browser loses
 * neither. Without IndexedDB (some private windows), both live as long as the page.
 */
export class Outbox {
    constructor(name) {
        this.name = name;
        this._db = null;
        this._memory = { calls: new Map(), drafts: new Map() };
    }

    /** The calls waiting, oldest first. */
    async calls() {
        const calls = await this._run("calls", "readonly", (store) => store.getAll());
        return (calls || []).sort((a, b) => a.queuedAt - b.queuedAt);
    }

    putCall(call) {
        return this._run("calls", "readwrite", (store) => store.put(plain(call)));
    }

    deleteCall(key) {
        return this._run("calls", "readwrite", (store) => store.delete(key));
    }

    async draft() {
        return (await this._run("drafts", "readonly", (store) => store.get(DRAFT_ID))) || null;
    }

    putDraft(draft) {
        return this._run("drafts", "readwrite", (store) => store.put(plain({ ...draft, id: DRAFT_ID })));
    }

    clearDraft() {
        return this._run("drafts", "readwrite", (store) => store.delete(DRAFT_ID));
    }

    async _open() {
        if (this._db === null) {
            this._db = await new Promise((resolve) => {
                let request;
                try {
                    request = window.indexedDB.open(this.name, VERSION);
                } catch {
                    resolve(false);
                    return;
                }
                request.onupgradeneeded = () => {
                    request.result.createObjectStore("calls", { keyPath: "key" });
                    request.result.createObjectStore("drafts", { keyPath: "id" });
                };
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => resolve(false);
                request.onblocked = () => resolve(false);
            });
        }
        return this._db;
    }

    async _run(storeName, mode, action) {
        const db = await this._open();
        if (!db) {
            return action(memoryStore(this._memory[storeName])).result;
        }
        return new Promise((resolve, reject) => {
            const transaction = db.transaction(storeName, mode);
            const request = action(transaction.objectStore(storeName));
            transaction.oncomplete = () => resolve(request.result);
            transaction.onerror = () => reject(transaction.error);
            transaction.onabort = () => reject(transaction.error);
        });
    }
}

/** A copy IndexedDB can store: the screen's reactive objects are proxies, which it cannot clone. */
function plain(value) {
    return JSON.parse(JSON.stringify(value));
}

/** The part of an IndexedDB object store the outbox uses, over a Map. */
function memoryStore(map) {
    const keyOf = (value) => value.key || value.id;
    return {
        getAll: () => ({ result: [...map.values()] }),
        get: (key) => ({ result: map.get(key) }),
        put: (value) => ({ result: map.set(keyOf(value), value) && keyOf(value) }),
        delete: (key) => ({ result: map.delete(key) && undefined }),
    };
}

/** A key for a call that no other call of any browser gets. */
export function newCallKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
