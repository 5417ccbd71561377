// One project's live feed over SignalR (the global `signalR` comes from /lib/signalr/signalr.min.js).
// Phones lose their network often: the connection never gives up, and every time it (re)joins the
// project the page re-reads its state, so nothing that happened while offline stays missing.
const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10000, 15000, 30000];

const INDICATOR_LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline, retrying…',
  notLive: 'Not live: updates paused',
  revoked: 'Removed from this project',
  signedOut: 'Signed out',
};

const INDICATOR_TITLES = {
  live: 'Changes appear here as they happen.',
  notLive: 'The server cannot pass on live changes right now, so this page does not update by itself. Uploads and processing go on; the page catches up on its own once live changes are back, or reload it to see the latest.',
  revoked: 'You are no longer a member of this project, so this page no longer updates. Ask its manager to add you again.',
  signedOut: 'Your sign-in has ended (signed out, password or role changed), so this page no longer updates. Reload it to sign in again.',
};

/**
 * Whether the server refused the connection as signed out. The client wraps a refused negotiation in an error of
 * its own that keeps only the message ("...: Status code '401'"), hence the second test.
 */
function isRefused(error) {
  return error?.statusCode === 401 || /Status code '401'/.test(String(error?.message ?? ''));
}

/** Asks the API directly whether this browser is still signed in (false when the network is what failed). */
async function signInEnded() {
  try {
    const response = await fetch('/api/projects', { headers: { Accept: 'application/json' } });
    return response.status === 401;
  } catch {
    return false;
  }
}

/** How long to wait before the next attempt to go live, after `attempt` failed ones: soon at first, then every 30 s. */
export function retryDelay(attempt) {
  return RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)];
}

// Set when the server said live events stopped (its Redis is unreachable): until the page is live again, every
// retry says "Not live" rather than a plain reconnecting, so nobody takes a still page for a quiet site.
let notLive = false;

function showState(state) {
  if (state === 'live') notLive = false;
  if (notLive && ['connecting', 'reconnecting', 'offline'].includes(state)) state = 'notLive';
  const indicator = document.querySelector('[data-connection]');
  if (!indicator) return;
  indicator.dataset.state = state;
  indicator.querySelector('[data-connection-label]').textContent = INDICATOR_LABELS[state];
  indicator.title = INDICATOR_TITLES[state] ?? 'Changes will appear once the connection is back.';
}

// Parts of one page that follow the same project share its connection (the photo page's picture and its comments).
const followed = new Map();

/**
 * Joins the project's group on the timeline hub and keeps it joined. A second call for the same project on the same
 * page adds its handlers to the first call's connection.
 * @param {number} projectId
 * @param {{ onJoined: () => Promise<void> | void, handlers: Record<string, (payload: any) => void> }} options
 */
export function followProject(projectId, { onJoined, handlers }) {
  const existing = followed.get(Number(projectId));
  if (existing) {
    for (const [name, handler] of Object.entries(handlers)) existing.connection.on(name, handler);
    existing.joinedCallbacks.push(onJoined);
    if (existing.isJoined()) Promise.resolve(onJoined()).catch(() => {});
    return existing.connection;
  }
  const joinedCallbacks = [onJoined];
  let joined = false;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/timeline')
    // A refused reconnect (401: the sign-in has ended) stops the automatic retries; start() then says so.
    .withAutomaticReconnect({
      nextRetryDelayInMilliseconds: context =>
        isRefused(context.retryReason) ? null : retryDelay(context.previousRetryCount),
    })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const [name, handler] of Object.entries(handlers)) connection.on(name, handler);

  let restartTimer = 0;
  let failedStarts = 0;
  // Set when the server says the user lost access: retrying would only be refused, so the page stays as it is.
  let revoked = false;
  connection.on('accessRevoked', revokedProjectId => {
    if (Number(revokedProjectId) !== Number(projectId)) return;
    revoked = true;
    clearTimeout(restartTimer);
    showState('revoked');
    connection.stop();
  });
  // The server closes the connection right after; reconnecting succeeds once events flow again, and join() then
  // re-reads the page's state, so nothing that happened meanwhile stays missing.
  connection.on('liveStopped', () => {
    notLive = true;
    showState('notLive');
  });

  async function join() {
    joined = false;
    await connection.invoke('JoinProject', projectId);
    failedStarts = 0;
    joined = true;
    showState('live');
    await Promise.all(joinedCallbacks.map(callback => callback()));
  }

  async function start() {
    restartTimer = 0;
    if (revoked || connection.state !== signalR.HubConnectionState.Disconnected) return;
    showState(failedStarts === 0 ? 'connecting' : 'reconnecting');
    try {
      await connection.start();
    } catch (error) {
      // The server closes a connection whose sign-in ended; reconnecting is then refused, and retrying would not help.
      if (isRefused(error) || await signInEnded()) {
        revoked = true;
        showState('signedOut');
        return;
      }
      failedStarts++;
      showState('offline');
      scheduleStart();
      return;
    }
    try {
      await join();
    } catch {
      // Connected but not in the project's group: updates would silently not arrive, so start over.
      await connection.stop();
    }
  }

  function scheduleStart() {
    if (!restartTimer) restartTimer = setTimeout(start, retryDelay(failedStarts) || 1000);
  }

  connection.onreconnecting(() => showState('reconnecting'));
  connection.onreconnected(() => join().catch(() => connection.stop()));
  connection.onclose(() => {
    if (revoked) return;
    showState('offline');
    failedStarts++;
    scheduleStart();
  });
  window.addEventListener('online', () => {
    if (connection.state === signalR.HubConnectionState.Disconnected) {
      clearTimeout(restartTimer);
      start();
    }
  });

  followed.set(Number(projectId), { connection, joinedCallbacks, isJoined: () => joined && connection.state === signalR.HubConnectionState.Connected });
  start();
  return connection;
}
