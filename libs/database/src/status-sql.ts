import { ExecutionStatus, OWNED_STATUSES, QUEUED_STATUS } from '@app/domain';

/**
 * The domain's status lists (libs/domain/src/execution-status.ts) as SQL lists, for `status IN …`.
 * Literals rather than parameters: a prepared statement's generic plan of `status = ANY($1)` cannot
 * use the partial indexes `executions_owned_idx` and `executions_queue_idx` (their predicates are
 * these literal lists), a literal can. Only these fixed lists of the domain's own names are ever
 * put into SQL this way; every other value reaches SQL as a parameter.
 */
function sqlList(statuses: readonly ExecutionStatus[]): string {
  return `(${statuses.map((status) => `'${status}'`).join(', ')})`;
}

/** A worker owns the run and holds its lease. */
export const OWNED_SQL = sqlList(OWNED_STATUSES);
/** The run waits to be claimed (executions_queue_idx). */
export const QUEUED_SQL = sqlList([QUEUED_STATUS]);
