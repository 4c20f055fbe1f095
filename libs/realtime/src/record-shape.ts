import type { StatusRecord } from '@app/database';

/** A status record as API.md shows it: the same shape on the status API, socket.io and webhooks. */
export interface StatusRecordDocument {
  id: string;
  timestamp: number;
  job_id: string;
  execution_id: string;
  account_alias: string;
  counter: number;
  uuid: string | null;
  parent_uuid: string | null;
  event_type: string;
  host: string | null;
  play: string | null;
  task: string | null;
  failed: boolean;
  changed: boolean;
  message: string | null;
  stdout: string | null;
  event_data: Record<string, unknown> | null;
}

export function toRecordDocument(record: StatusRecord, accountAlias: string): StatusRecordDocument {
  return {
    id: record.id,
    timestamp: record.timestamp.getTime(),
    job_id: record.jobId,
    execution_id: record.executionId,
    account_alias: accountAlias,
    counter: record.counter,
    uuid: record.uuid,
    parent_uuid: record.parentUuid,
    event_type: record.eventType,
    host: record.host,
    play: record.play,
    task: record.task,
    failed: record.failed,
    changed: record.changed,
    message: record.message,
    stdout: record.stdout,
    event_data: record.eventData,
  };
}
