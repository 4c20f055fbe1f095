import type { RunnerDocument } from '@app/domain';

export class RunnerResponse implements RunnerDocument {
  id: string;
  host: string;
  pid: number;
  slots: number;
  version: string;
  ansible: string;
  draining: boolean;
  startedTime: number;
  lastHeartbeatTime: number;
  runningExecutions: string[];
}
