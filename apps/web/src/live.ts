import { io, type Socket } from 'socket.io-client';
import { loadSession } from './session';
import type { StatusRecord } from './run-grid';

export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface Subscription {
  close(): void;
}

/** A status record as the feed sends it: with the run, job and account it belongs to. */
export interface FeedRecord extends StatusRecord {
  execution_id: string;
  job_id: string;
  account_alias: string;
}

interface FeedHandlers {
  /** The records `keep` let through, in arrival order, one batch per animation frame. */
  records(batch: FeedRecord[]): void;
  state(state: LinkState, detail?: string): void;
  /** After every accepted (re)subscription: the moment to read again what the feed may have missed. */
  subscribed?(): void;
}

/**
 * One socket.io `/automation` connection that subscribes with `subscription()` on the first connect
 * and again after every reconnect (so the request can say where to resume), and reports what it
 * sees. `keep` sees every record first, in order, and says which go to `records`.
 */
function openFeed(subscription: () => Record<string, unknown>, keep: (record: FeedRecord) => boolean, handlers: FeedHandlers): Subscription {
  let pending: FeedRecord[] = [];
  let flushScheduled = false;
  const socket: Socket = io('/automation', {
    auth: (cb) => cb({ token: loadSession()?.token ?? '' }),
    // Same origin, and every browser the console supports has WebSockets; no long-polling fallback
    // keeps one connection per page (and one place where it can drop).
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  // Records can arrive by the hundred per second: hand them to React in one batch per frame.
  const flush = (): void => {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length) handlers.records(batch);
  };
  socket.on('status', (record: FeedRecord) => {
    if (!keep(record)) return;
    pending.push(record);
    if (!flushScheduled) {
      flushScheduled = true;
      requestAnimationFrame(flush);
    }
  });
  socket.on('connect', async () => {
    try {
      const answer = await socket.timeout(10_000).emitWithAck('subscribe', subscription());
      if (answer?.ok) {
        handlers.state('live');
        handlers.subscribed?.();
      } else handlers.state('closed', answer?.message ?? 'The subscription was refused.');
    } catch {
      handlers.state('reconnecting', 'The service did not answer the subscription; retrying.');
      socket.disconnect().connect();
    }
  });
  // The server ends a subscription whose authority ended (token revoked or expired, user deleted,
  // role taken away), saying why first; it does not reconnect ("io server disconnect").
  socket.on('unauthorized', (told: { message?: string }) => handlers.state('closed', `Live updates ended: ${told?.message ?? 'unauthorized'}`));
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect' && reason !== 'io server disconnect') handlers.state('reconnecting', 'Connection lost; reconnecting…');
  });
  socket.on('connect_error', (error) => {
    // A refused handshake (bad or expired token) will not fix itself; anything else is retried.
    if (!socket.active) handlers.state('closed', `Live updates refused: ${error.message}`);
    else handlers.state('reconnecting', 'Cannot reach the service; retrying…');
  });
  return {
    close() {
      socket.disconnect();
      flush();
    },
  };
}

/**
 * Follows one execution: subscribes with `afterCounter` = the last counter this page has, on the
 * first connect and again after every reconnect, so a dropped connection resumes exactly where it
 * stopped (the server replays the stored records after it).
 */
export function followExecution(
  accountAlias: string,
  executionId: string,
  startAfter: number,
  handlers: { records(batch: StatusRecord[]): void; state(state: LinkState, detail?: string): void },
): Subscription {
  let last = startAfter;
  const seen = (record: FeedRecord): boolean => {
    last = record.counter;
    return true;
  };
  return openFeed(() => ({ accountAlias, executionId, afterCounter: last }), seen, handlers);
}

/**
 * Follows the runs of an account and its sub-accounts (an alias subscription covers them): only
 * their status changes (`execution_status` records) reach `changes`. The feed does not replay an
 * alias subscription's past, so `subscribed` (every (re)subscription) is when to read the list again.
 */
export function followAccount(
  accountAlias: string,
  handlers: { changes(batch: FeedRecord[]): void; subscribed(): void; state(state: LinkState, detail?: string): void },
): Subscription {
  const isStatusChange = (record: FeedRecord): boolean => record.event_type === 'execution_status';
  return openFeed(() => ({ accountAlias }), isStatusChange, { records: handlers.changes, subscribed: handlers.subscribed, state: handlers.state });
}
