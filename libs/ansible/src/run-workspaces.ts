import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workspace } from './workspace';

/** A workspace's name starts with the first 8 characters of its execution's id (Workspace.create). */
const WORKSPACE_NAME = /^[0-9a-f]{8}-/;

/**
 * The worker's folder of run workspaces (RUNNER_DATA_DIR/workspaces): a run creates its own here
 * (written into and removed through Workspace), and the reaper finds and removes those a lost run
 * left behind. The one place the worker's runs touch this folder.
 */
export class RunWorkspaces {
  constructor(readonly base: string) {}

  create(executionId: string): Workspace {
    return Workspace.create(this.base, executionId);
  }

  /** Names of the workspaces that last changed more than `minAgeMs` before `now`. */
  olderThan(minAgeMs: number, now: Date): string[] {
    return this.names().filter((name) => now.getTime() - this.changedAt(name) > minAgeMs);
  }

  /** The execution id prefix a workspace belongs to. */
  static executionPrefix(name: string): string {
    return name.slice(0, 8);
  }

  remove(name: string): void {
    fs.rmSync(path.join(this.base, path.basename(name)), { recursive: true, force: true });
  }

  private names(): string[] {
    try {
      return fs.readdirSync(this.base).filter((name) => WORKSPACE_NAME.test(name));
    } catch {
      return [];
    }
  }

  /** When the entry last changed (epoch ms); Infinity when it is gone already (so never "old"). */
  private changedAt(name: string): number {
    try {
      return fs.statSync(path.join(this.base, name)).mtimeMs;
    } catch {
      return Infinity;
    }
  }
}
