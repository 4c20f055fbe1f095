import type { AnsibleEvent } from '@app/ansible';
import { runArtifacts } from './run-artifacts';

const stats = (eventData: Record<string, unknown>): AnsibleEvent =>
  ({ event: 'playbook_on_stats', event_data: eventData }) as unknown as AnsibleEvent;

describe('runArtifacts', () => {
  it('keeps the aggregate and the per-host data of set_stats', () => {
    const artifacts = { run: { build: 42 }, hosts: { web1: { port: 8080 } } };
    expect(runArtifacts(stats({ hosts: {}, artifacts }), 64)).toEqual(artifacts);
  });

  it('is undefined when the playbook published nothing', () => {
    expect(runArtifacts(stats({ hosts: { web1: {} } }), 64)).toBeUndefined();
  });

  it('stores a marker, not cut JSON, over the limit (counted in UTF-8 bytes), and for what the plugin left out', () => {
    const big = runArtifacts(stats({ artifacts: { run: { blob: 'é'.repeat(600) }, hosts: {} } }), 1);
    expect(big).toEqual({ omitted: expect.stringMatching(/was 2 KiB, over this service's limit of 1 KiB \(RUNNER_MAX_ARTIFACTS_KB\)/) });
    expect(runArtifacts(stats({ artifacts: { omitted_bytes: 3 * 1024 * 1024 } }), 64)).toEqual({ omitted: expect.stringContaining('was 3072 KiB') });
  });
});
