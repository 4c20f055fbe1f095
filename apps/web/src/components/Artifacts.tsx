import type { Execution } from '../jobs';

/**
 * What the run's playbook published with set_stats (the execution's `artifacts`): the aggregate,
 * then each host's, as JSON; or why it was not stored. Nothing while the playbook published none.
 */
export function Artifacts({ artifacts }: { artifacts: Execution['artifacts'] }) {
  if (!artifacts) return null;
  if ('omitted' in artifacts) {
    return (
      <section aria-labelledby="artifacts-title">
        <h2 id="artifacts-title">Artifacts</h2>
        <p className="banner banner-warn">{artifacts.omitted}</p>
      </section>
    );
  }
  const parts: [string, Record<string, unknown>][] = [
    ...(Object.keys(artifacts.run).length ? [['all hosts (aggregate)', artifacts.run] as [string, Record<string, unknown>]] : []),
    ...Object.entries(artifacts.hosts),
  ];
  if (!parts.length) return null;
  return (
    <section aria-labelledby="artifacts-title">
      <h2 id="artifacts-title">Artifacts</h2>
      <dl className="card artifacts" id="artifacts">
        {parts.map(([name, data]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              <pre className="mono">{JSON.stringify(data, null, 2)}</pre>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
