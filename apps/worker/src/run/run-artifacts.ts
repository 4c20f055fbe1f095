import type { AnsibleEvent } from '@app/ansible';
import type { ExecutionArtifacts } from '@app/database';

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/**
 * The set_stats data of a (masked) playbook_on_stats event, as the execution keeps it (README
 * "Playbook projects"), or undefined when the playbook published none. Over `maxKb` (the JSON's
 * UTF-8 bytes) it is kept as a marker that says so, never as cut JSON a caller might take for whole.
 */
export function runArtifacts(event: AnsibleEvent, maxKb: number): ExecutionArtifacts | undefined {
  const raw = event.event_data?.['artifacts'];
  if (!isObject(raw)) return undefined;
  const tooLarge = (bytes: number): ExecutionArtifacts => ({
    omitted: `the playbook's set_stats data was ${Math.ceil(bytes / 1024)} KiB, over this service's limit of ${maxKb} KiB (RUNNER_MAX_ARTIFACTS_KB); not stored`,
  });
  if (typeof raw['omitted_bytes'] === 'number') return tooLarge(raw['omitted_bytes']);
  const artifacts = { run: isObject(raw['run']) ? raw['run'] : {}, hosts: isObject(raw['hosts']) ? (raw['hosts'] as Record<string, Record<string, unknown>>) : {} };
  const bytes = Buffer.byteLength(JSON.stringify(artifacts), 'utf8');
  return bytes > maxKb * 1024 ? tooLarge(bytes) : artifacts;
}
