import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * ARCHITECTURE.md: "the api never spawns a process". Checked on the import graph: nothing the api's
 * entry point reaches (its own files and the libs, followed through every import) imports a way to
 * start one. Packages are not followed; the ones named here are the ways in.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SPAWNERS = new Set(['child_process', 'node:child_process', 'execa', '@app/process']);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|(?:import|require)\(\s*'([^']+)'\s*\)/g;

function resolveSource(from: string, specifier: string): string | null {
  const alias = /^@app\/([a-z]+)$/.exec(specifier);
  const base = alias ? path.join(ROOT, 'libs', alias[1], 'src') : specifier.startsWith('.') ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null;
  return [`${base}.ts`, path.join(base, 'index.ts')].find((file) => fs.existsSync(file)) ?? null;
}

function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const specifiers = [...fs.readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
    graph.set(file, specifiers);
    for (const specifier of specifiers) {
      const next = resolveSource(file, specifier);
      if (next) pending.push(next);
    }
  }
  return graph;
}

describe('the api process', () => {
  it('reaches no module that starts processes', () => {
    const graph = importGraph(path.join(ROOT, 'apps', 'api', 'src', 'main.ts'));
    expect(graph.size).toBeGreaterThan(100); // the walk really followed the api and its libs
    const offenders = [...graph].flatMap(([file, specifiers]) => specifiers.filter((s) => SPAWNERS.has(s)).map((s) => `${path.relative(ROOT, file)} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it('would be caught: the worker, which does start processes, is', () => {
    const graph = importGraph(path.join(ROOT, 'apps', 'worker', 'src', 'main.ts'));
    expect([...graph.values()].flat()).toEqual(expect.arrayContaining(['@app/process', 'execa']));
  });
});
