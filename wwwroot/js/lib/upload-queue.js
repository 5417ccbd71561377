// The photos still to send, kept in IndexedDB so a reload, a crash of the tab or a lost connection loses none:
// a photo leaves the queue only once the server has answered for it.
const DB_NAME = 'imaginai-uploads';
const STORE = 'queue';

let opening = null;

// A phone shared on site keeps one queue per person: photos are sent only by the account that queued them.
const accountId = document.querySelector('meta[name="account-id"]')?.content ?? '';

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: 'key', autoIncrement: true });
      store.createIndex('projectId', 'projectId');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

async function run(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = work(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request?.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

/**
 * Stores the photo (the file itself, not a reference) with what it is to be sent with (milestone, note, tags) and
 * returns its queue key; null when storage is unavailable.
 */
export async function enqueue(projectId, file, milestoneId, { note = '', tags = [] } = {}) {
  try {
    return await run('readwrite', store => store.add({
      projectId, accountId, milestoneId: milestoneId || null, note, tags, file, name: file.name, addedAt: Date.now(),
    }));
  } catch {
    // Private browsing or a full disk: the upload still runs, it just cannot survive a reload.
    return null;
  }
}

/** Changes what a queued photo will be sent with (its note and tags edited before it was sent). */
export async function updateQueued(key, changes) {
  if (key == null) return;
  try {
    const db = await open();
    await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, 'readwrite');
      const store = transaction.objectStore(STORE);
      const request = store.get(key);
      request.onsuccess = () => { if (request.result) store.put({ ...request.result, ...changes }); };
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
    });
  } catch {
    // The photo is still sent with what it was queued with; the person can edit it on the photo page afterwards.
  }
}

export async function dequeue(key) {
  if (key == null) return;
  try {
    await run('readwrite', store => store.delete(key));
  } catch {
    // Nothing to do: at worst the photo is offered again and the server reports it as already uploaded.
  }
}

/** The project's photos this account queued, oldest first: [{key, file, milestoneId, note, tags, addedAt}]. */
export async function pending(projectId) {
  try {
    const items = await run('readonly', store => store.index('projectId').getAll(projectId));
    return (items ?? []).filter(item => item.accountId === accountId).sort((a, b) => a.addedAt - b.addedAt);
  } catch {
    return [];
  }
}
