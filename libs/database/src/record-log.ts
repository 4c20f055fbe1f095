import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExecutionStatus, FAILED_STATUSES } from '@app/domain';
import { Execution, NewStatusRecord } from './entities';
import { entityToRow, runPrepared } from './prepared';

/** NOTIFY channels: a new queue item, a stop/kill request, records stored (payload: execution id). */
export const CHANNELS = { queue: 'runner_queue', control: 'runner_control', records: 'runner_records' } as const;

/** The `execution_status` record every status change stores, stamped `now`. */
export function statusRecord(status: ExecutionStatus, now: Date, reason?: string | null): NewStatusRecord {
  return {
    timestamp: now,
    uuid: null,
    parentUuid: null,
    eventType: 'execution_status',
    host: null,
    play: null,
    task: null,
    failed: FAILED_STATUSES.includes(status),
    changed: false,
    message: reason ? `${status}: ${reason}` : status,
    stdout: null,
    eventData: reason ? { status, reason } : { status },
  };
}

/** A record as the status_records row it becomes (without its run's ids), numbered `counter`. */
export function recordRow(r: NewStatusRecord, counter?: number): Record<string, unknown> {
  return {
    counter,
    id: randomUUID(),
    timestamp: r.timestamp.toISOString(),
    uuid: r.uuid,
    parent_uuid: r.parentUuid,
    event_type: r.eventType,
    host: r.host,
    play: r.play,
    task: r.task,
    failed: r.failed,
    changed: r.changed,
    message: r.message,
    stdout: r.stdout,
    event_data: r.eventData,
  };
}

/**
 * The record path's last step (README "Layout"): stores records whose counters (from `first`) the
 * caller took on the execution row; with them their webhook deliveries and the announcement on the
 * records channel (and `alsoNotify`), in one statement. `newRow`: a new execution's row comes first.
 */
export async function storeRecords(
  em: EntityManager,
  execution: Pick<Execution, 'id' | 'jobId' | 'accountId'>,
  first: number,
  records: NewStatusRecord[],
  { alsoNotify, newRow }: { alsoNotify?: readonly [string, string]; newRow?: Execution } = {},
): Promise<void> {
  const last = first + records.length - 1;
  const batch = records.map((r, i) => recordRow(r, first + i));
  // One statement: the records; webhook deliveries for the job's callbacks, by level (callback_wants,
  // migration 1733900000000), in the same transaction so none is ever lost; then the announcement,
  // delivered at commit. A new execution's row can come first.
  const values: unknown[] = [execution.id, JSON.stringify(batch, withoutNul), execution.jobId, execution.accountId, CHANNELS.records, `${execution.id}:${last}`];
  const param = (value: unknown): string => `$${values.push(value)}`;
  const queued = newRow
    ? `queued AS (INSERT INTO executions SELECT * FROM jsonb_populate_record(NULL::executions, ${param(JSON.stringify(entityToRow(em, Execution, newRow)))}::jsonb)),`
    : '';
  const notifyToo = alsoNotify ? `, pg_notify(${param(alsoNotify[0])}, ${param(alsoNotify[1])})` : '';
  await runPrepared(
    em,
    `WITH ${queued} records AS (
       INSERT INTO status_records (execution_id, counter, id, job_id, account_id, timestamp, uuid, parent_uuid, event_type,
                                   host, play, task, failed, changed, message, stdout, event_data)
       SELECT $1, r.counter, r.id, $3, $4, r.timestamp, r.uuid, r.parent_uuid, r.event_type,
              r.host, r.play, r.task, r.failed, r.changed, r.message, r.stdout, r.event_data
         FROM jsonb_to_recordset($2::jsonb) AS r(counter int, id uuid, timestamp timestamptz, uuid text, parent_uuid text,
              event_type text, host text, play text, task text, failed boolean, changed boolean, message text,
              stdout text, event_data jsonb)
       RETURNING execution_id, counter, account_id, job_id, failed, event_type),
     deliveries AS (
       INSERT INTO webhook_deliveries (execution_id, counter, account_id, url, level)
       SELECT r.execution_id, r.counter, r.account_id, c->>'url', c->>'level'
         FROM records r JOIN jobs j ON j.id = r.job_id, jsonb_array_elements(j.definition->'callbacks') c
        WHERE callback_wants(c->>'level', r.failed, r.event_type)
        ORDER BY r.counter
       RETURNING 1)
     SELECT pg_notify($5, $6)${notifyToo}`,
    values,
  );
}

/**
 * A run's record log: the worker appends its transcript lines and event records in fenced batches
 * (RecordWriter), the api reads the transcript back. Status records come with status changes
 * (ExecutionWriter.change); both store through storeRecords.
 */
@Injectable()
export class RecordLog {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends a batch of records (next counters) and transcript lines in one transaction. One UPDATE
   * takes the row lock (so counters never collide with another writer), checks `fence` (the
   * attempt) and reserves the batch's line numbers and counters; nothing is written unless the
   * fence still matches. Returns false when fenced out.
   */
  async appendBatch(
    execution: Pick<Execution, 'id' | 'jobId' | 'accountId'>,
    fence: number,
    records: NewStatusRecord[],
    lines: string[],
  ): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const [taken] = await runPrepared<{ output_lines: number; last_counter: number }>(
        em,
        `UPDATE executions SET output_lines = output_lines + $3, last_counter = last_counter + $4
          WHERE id = $1 AND attempt = $2 RETURNING output_lines, last_counter`,
        [execution.id, fence, lines.length, records.length],
      );
      if (!taken) return false;
      if (lines.length) {
        await runPrepared(em, `INSERT INTO execution_output (execution_id, first_line, line_count, text) VALUES ($1, $2, $3, $4)`, [
          execution.id,
          taken.output_lines - lines.length + 1,
          lines.length,
          lines.join('\n').replace(/\u0000/g, ''),
        ]);
      }
      if (records.length) await storeRecords(em, execution, taken.last_counter - records.length + 1, records);
      return true;
    });
  }

  /** Transcript lines [start, end] (1-based, inclusive). */
  async readOutput(executionId: string, start: number, end: number): Promise<string[]> {
    const chunks: { first_line: number; text: string }[] = await this.dataSource.query(
      `SELECT first_line, text FROM execution_output
        WHERE execution_id = $1 AND first_line <= $3 AND first_line + line_count - 1 >= $2
        ORDER BY first_line`,
      [executionId, start, end],
    );
    const lines: string[] = [];
    for (const chunk of chunks) {
      chunk.text.split('\n').forEach((line, i) => {
        const number = chunk.first_line + i;
        if (number >= start && number <= end) lines.push(line);
      });
    }
    return lines;
  }
}

/** PostgreSQL's jsonb cannot hold NUL characters; drop them from any string. */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
}
