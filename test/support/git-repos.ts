import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vm from 'node:vm';

export interface TestRepo {
  /** Bare repository path (its folder name, `repo-….git`, is unique and used in HTTP URLs). */
  dir: string;
  fileUrl: string;
  /** In creation order: main first, then one per branch, then one per tag; each message names its ref. */
  commits: { sha: string; message: string }[];
}

export interface TestGitHttpServer {
  url(repo: TestRepo): string;
  /** Every request received, with its Authorization header if any. */
  requests: { path: string; authorization?: string }[];
  stop(): Promise<void>;
}

// Fixed identity and no user/system config, so commits are reproducible and nothing like
// commit.gpgsign from the machine leaks in.
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

// Repositories' temp folders are removed when the test process ends (there is no cleanup call).
// Jest's per-file `process` never emits 'exit' and this module is reloaded per test file: keep
// one set and one hook on the real process.
const realGlobal = vm.runInThisContext('globalThis') as { process: NodeJS.Process; testGitDirs?: Set<string> };
if (!realGlobal.testGitDirs) {
  const dirs = (realGlobal.testGitDirs = new Set());
  realGlobal.process.on('exit', () => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
}
const tempDirs = realGlobal.testGitDirs;

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: GIT_ENV, encoding: 'utf8', stdio: 'pipe' }).trim();
}

/**
 * Creates a bare repository with the given files committed on `main` (`links`: symbolic links, name
 * to target, committed with them); optional extra branches/tags: each entry commits its own files on top.
 */
export function createBareRepo(
  files: Record<string, string>,
  options: { branches?: Record<string, Record<string, string>>; tags?: Record<string, Record<string, string>>; links?: Record<string, string> } = {},
): TestRepo {
  const root = tempDir('test-git-');
  const dir = path.join(root, `repo-${crypto.randomBytes(4).toString('hex')}.git`);
  const work = path.join(root, 'work');
  fs.mkdirSync(work);
  git(work, 'init', '-q');
  const commits: TestRepo['commits'] = [];
  const commit = (contents: Record<string, string>, message: string): void => {
    for (const [name, text] of Object.entries(contents)) {
      fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
      fs.writeFileSync(path.join(work, name), text);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', message);
    commits.push({ sha: git(work, 'rev-parse', 'HEAD'), message });
  };

  for (const [name, target] of Object.entries(options.links ?? {})) {
    fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    fs.symlinkSync(target, path.join(work, name));
  }
  commit(files, 'Initial commit on main');
  for (const [branch, contents] of Object.entries(options.branches ?? {})) {
    git(work, 'checkout', '-q', '-b', branch, 'main');
    commit(contents, `Commit on branch ${branch}`);
  }
  for (const [tag, contents] of Object.entries(options.tags ?? {})) {
    git(work, 'checkout', '-q', '--detach', 'main');
    commit(contents, `Commit for tag ${tag}`);
    git(work, 'tag', tag);
  }

  // A bare repo made with the same defaults has HEAD -> main, so clones check out main.
  git(root, 'init', '-q', '--bare', dir);
  git(work, 'push', '-q', dir, 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*');
  fs.rmSync(work, { recursive: true, force: true });
  return { dir, fileUrl: pathToFileURL(dir).href, commits };
}

/**
 * Serves bare repositories over git's smart HTTP protocol on 127.0.0.1 with `git http-backend`
 * as CGI, optionally requiring HTTP basic auth (401 with WWW-Authenticate otherwise).
 */
export async function startGitHttpServer(repos: TestRepo[], auth?: { username: string; password: string }): Promise<TestGitHttpServer> {
  // http-backend serves one project root: link each repository into a root of our own.
  const projectRoot = tempDir('test-git-http-');
  for (const repo of repos) fs.symlinkSync(repo.dir, path.join(projectRoot, path.basename(repo.dir)));
  const expected = auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const requests: TestGitHttpServer['requests'] = [];

  const server = http.createServer((req, res) => {
    requests.push({ path: req.url!, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (expected && req.headers.authorization !== expected) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test git"', 'Content-Type': 'text/plain' }).end('authentication required\n');
      return;
    }
    const url = new URL(req.url!, 'http://127.0.0.1');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method,
      QUERY_STRING: url.search.slice(1),
      PATH_INFO: decodeURIComponent(url.pathname),
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-type'] ? { CONTENT_TYPE: req.headers['content-type'] } : {}),
      // Node has already decoded chunked bodies; without a length http-backend reads to EOF.
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      // The body is passed through still gzip'd: http-backend inflates it itself.
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      // Lets clients negotiate protocol v2, as with a real server.
      ...(req.headers['git-protocol'] ? { HTTP_GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(expected ? { REMOTE_USER: auth!.username } : {}),
    };
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    cgi.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    cgi.stdin.on('error', () => undefined); // http-backend may answer without reading the whole body
    req.pipe(cgi.stdin);

    // CGI output is "Header: value" lines, a blank line, then the body to stream as is.
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const match = /\r?\n\r?\n/.exec(head.toString('latin1'));
      if (!match) return;
      cgi.stdout.off('data', onData);
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, match.index).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(match.index + match[0].length));
      cgi.stdout.pipe(res);
    };
    cgi.stdout.on('data', onData);
    cgi.on('close', (code) => {
      if (res.headersSent) return;
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`git http-backend exited with ${code}:\n${stderr}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  // A forgotten server must not keep the test process alive (its folder goes with the exit hook).
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    requests,
    url: (repo) => `http://127.0.0.1:${port}/${path.basename(repo.dir)}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(projectRoot, { recursive: true, force: true });
    },
  };
}
