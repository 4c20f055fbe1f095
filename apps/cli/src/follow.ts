import type { Socket } from 'socket.io-client';
import { isExecutionStatus, isTerminal } from '@app/domain';
import { ApiClient } from './api-client';
import { CliError, EXIT } from './exit-codes';
import { openFeedSocket } from './feed-socket';
import { ExecutionDocument, StatusRecord } from './progress';
import { RecordSequencer } from './record-sequencer';

export interface FollowTarget {
  api: ApiClient;
  token: string;
  accountAlias: string;
  jobId: string;
  executionId: string;
  /** Records up to this counter are not wanted (0 = from the start; a restart starts after the old ones). */
  afterCounter: number;
  /** Called once per record, in counter order, never twice for one counter. */
  onRecord(record: StatusRecord): void;
  /** Told about each (re)subscription (AUTOMATION_RUNNER_DEBUG=1 prints it on stderr). */
  debug?(message: string): void;
}

const ended = (status: unknown): boolean => isExecutionStatus(status) && isTerminal(status);

/** How often the execution's status is read over REST, in case the socket is down or quiet. */
const POLL_MS = 2_000;
/** How long the server may stay unreachable while following before the CLI gives up. */
const UNREACHABLE_LIMIT_MS = 60_000;

/**
 * Follows one execution until it ends; resolves with the final execution document.
 *
 * Records come from a socket.io subscription that replays the stored ones after the last counter
 * handled (so a reconnect resumes exactly there) and then streams live ones. The end is decided
 * by the execution's status over REST, read when a terminal status record arrives, after every
 * (re)subscribe and every POLL_MS: a run that ended before the subscription, or whose last
 * records were missed by a dropped socket, still ends the follow, and the records up to the end
 * are read over REST first, so the output is complete.
 */
export function followExecution(target: FollowTarget): Promise<ExecutionDocument> {
  const { api, accountAlias, jobId, executionId } = target;
  const executionPath = `/v2/automation/jobs/${accountAlias}/${jobId}/executions/${executionId}`;
  const recordsPath = `/v2/automation/status/${accountAlias}/job/${jobId}/execution/${executionId}`;
  const sequencer = new RecordSequencer<StatusRecord>(target.afterCounter);

  return new Promise<ExecutionDocument>((resolve, reject) => {
    let settled = false;
    let checking = false;
    let checkAgain = false;
    let unreachableSince: number | null = null;
    const socket: Socket = openFeedSocket(api.url, target.token);
    const timer = setInterval(() => void check(), POLL_MS);

    const settle = (error: Error | null, execution?: ExecutionDocument): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      socket.disconnect();
      if (error) reject(error);
      else resolve(execution!);
    };

    const deliver = (records: StatusRecord[]): boolean => {
      let terminal = false;
      for (const record of records) {
        target.onRecord(record);
        if (record.event_type === 'execution_status' && ended(record.event_data?.status)) terminal = true;
      }
      return terminal;
    };

    /** Reads every stored record after the last one delivered. */
    const catchUp = async (): Promise<void> => {
      for (;;) {
        const page = await api.get<{ results: StatusRecord[] }>(`${recordsPath}?afterCounter=${sequencer.last}&page=0&size=100`);
        if (settled) return;
        for (const record of page.results) deliver(sequencer.push(record));
        if (page.results.length < 100) return;
      }
    };

    /** Ends the follow if the execution has ended (after reading its last records). */
    const check = async (): Promise<void> => {
      // One check at a time; a request during one runs again after it, as it may see a newer status.
      if (checking) return void (checkAgain = true);
      checking = true;
      do {
        checkAgain = false;
        try {
          const execution = await api.get<ExecutionDocument>(executionPath);
          unreachableSince = null;
          if (settled) break;
          // Without a socket (a proxy that refuses WebSockets, say) the poll carries the records.
          if (sequencer.hasGap || ended(execution.status) || !socket.connected) await catchUp();
          if (ended(execution.status)) settle(null, execution);
        } catch (error) {
          if (error instanceof CliError && error.code === EXIT.serverDown) {
            unreachableSince ??= Date.now();
            if (Date.now() - unreachableSince < UNREACHABLE_LIMIT_MS) continue;
            settle(
              new CliError(EXIT.serverDown, `${error.message}\nLost contact while following; the execution may still be running (automation-runner executions get ${jobId} ${executionId}).`),
            );
          } else {
            settle(error as Error);
          }
        }
      } while (checkAgain && !settled);
      checking = false;
    };

    socket.on('connect', () => {
      const afterCounter = sequencer.last;
      socket
        .timeout(15_000)
        .emitWithAck('subscribe', { accountAlias, jobId, executionId, afterCounter })
        .then((answer: { ok: boolean; message?: string }) => {
          if (answer.ok) {
            target.debug?.(`subscribed to execution ${executionId} after record ${afterCounter}`);
            return void check();
          }
          const message = answer.message ?? 'subscription refused';
          const code = /unauthorized|forbidden/.test(message) ? EXIT.auth : /not found/.test(message) ? EXIT.notFound : EXIT.refused;
          settle(new CliError(code, `The server refused to stream execution ${executionId}: ${message}`));
        })
        // No answer in time: the socket reconnects, or the REST poll carries on.
        .catch(() => undefined);
    });
    socket.on('connect_error', (error: Error) => {
      if (/unauthorized/.test(error.message)) {
        settle(new CliError(EXIT.auth, `The server refused the token (${error.message}). Log in again with "automation-runner login".`));
      }
      // Anything else (server restarting, network): socket.io retries; the REST poll goes on.
    });
    socket.on('status', (record: StatusRecord) => {
      if (settled || record.execution_id !== executionId) return;
      if (deliver(sequencer.push(record)) || sequencer.hasGap) void check();
    });
  });
}
