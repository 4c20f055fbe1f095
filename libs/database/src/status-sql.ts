import { ACTIVE_STATUSES, ExecutionStatus, OWNED_STATUSES } from '@app/domain';

/**
 * The domain's status lists (libs/domain/src/execution-status.ts) as SQL lists, for `status IN …`.
 * Literals rather than parameters: a prepared statement's generic plan of `status = ANY($1)` cannot
 * use the partial index `executions_owned_idx` (its predicate is this literal list), a literal can.
 * Only these fixed lists of the domain's own names are ever put into SQL this way.
 */
function sqlList(statuses: readonly ExecutionStatus[]): string {
  return `(${statuses.map((status) => `'${status}'`).join(', ')})`;
}

/** A worker owns the run and holds its lease. */
export const OWNED_SQL = sqlList(OWNED_STATUSES);
/** The run is queued or owned: it blocks deleting its job and counts against the account's limits. */
export const ACTIVE_SQL = sqlList(ACTIVE_STATUSES);
