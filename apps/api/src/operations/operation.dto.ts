import type { Operation } from '@app/database';
import { link, type Link } from '../common/links';

/** Asynchronous work (a key deployment) and where it stands: queued, running, succeeded or failed. */
export class OperationResponse {
  id: string;
  status: string;
  message?: string;
  result?: object;
  links: Link[];
}

export function shapeOperation(operation: Operation, accountAlias: string): OperationResponse {
  return {
    id: operation.id,
    status: operation.status,
    ...(operation.message ? { message: operation.message } : {}),
    ...(operation.result ? { result: operation.result } : {}),
    links: [link('status', `/v2/operations/${accountAlias}/status/${operation.id}`)],
  };
}
