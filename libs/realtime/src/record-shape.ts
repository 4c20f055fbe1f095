import type { StatusRecord } from '@app/database';
import type { StatusRecordDocument } from '@app/domain';

export type { StatusRecordDocument };

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
