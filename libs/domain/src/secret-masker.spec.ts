import { Worker } from 'node:worker_threads';
import { SecretMasker } from './secret-masker';

describe('SecretMasker', () => {
  const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';

  it('masks whole secrets, their base64, and long lines of them, deep inside values', () => {
    const masker = new SecretMasker([pem, 'hunter2-password', undefined]);
    const out = masker.deep({ a: `key: ${pem}`, b: ['x b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ y'], c: Buffer.from(pem).toString('base64'), d: 'pw=hunter2-password', n: 1 });
    expect(JSON.stringify(out)).not.toMatch(/b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ|hunter2-password/);
    expect(out.n).toBe(1);
    expect(out.d).toBe('pw=********');
  });

  it('keeps dates and other non-plain values as they are', () => {
    const when = new Date(0);
    const out = new SecretMasker(['hunter2-password']).deep({ timestamp: when, nested: { at: when } });
    expect(out.timestamp).toBe(when);
    expect(out.nested.at).toBe(when);
  });

  it('leaves text alone when there is no secret', () => {
    expect(new SecretMasker([]).deep({ a: 'x' })).toEqual({ a: 'x' });
  });
});

describe('SecretMasker encodings', () => {
  const secret = 'S3cr3t/pa ss"wörd+';
  const masker = new SecretMasker([secret]);
  const leaks = (text: string): boolean => masker.text(text).includes('********') === false;

  it('masks the value URL-encoded (either case, + or %20 for a space), JSON-escaped both ways, and in hex', () => {
    const forms = [
      encodeURIComponent(secret),
      encodeURIComponent(secret).toLowerCase().replace(/s3cr3t/, 'S3cr3t'),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      JSON.stringify(secret),
      JSON.stringify(secret).replace(/ö/, '\\u00f6'),
      Buffer.from(secret).toString('hex'),
      Buffer.from(secret).toString('hex').toUpperCase(),
    ];
    for (const form of forms) expect({ form, leaked: leaks(`x=${form};`) }).toEqual({ form, leaked: false });
  });

  it('masks base64 of the value in every alignment, both alphabets, wrapped or not', () => {
    for (const before of ['', 'a', 'ab', 'abc', 'prefix: ']) {
      const encoded = Buffer.from(before + secret + ' and after').toString('base64');
      for (const form of [encoded, encoded.replace(/\+/g, '-').replace(/\//g, '_'), encoded.replace(/(.{10})/g, '$1\n')]) {
        const out = masker.text(form);
        expect(out).toContain('********');
        // What is left cannot decode back to the secret.
        expect(Buffer.from(out.replace(/\n/g, ''), 'base64').toString()).not.toContain('pa ss');
      }
    }
  });

  it('masks base64 wrapped inside one value with escaped line breaks (JSON shown inside JSON)', () => {
    const encoded = Buffer.from('prefix: ' + secret + ' and after').toString('base64');
    const out = masker.text(`{"stdout": "${encoded.replace(/(.{12})/g, '$1\\n')}"}`);
    expect(Buffer.from(out.replace(/\\n/g, '').slice(12, -2), 'base64').toString()).not.toContain('pa ss');
    expect(out).toContain('********');
  });

  it("keeps a token's pattern to its plain forms: no per-character alternatives for characters no encoder changes", () => {
    // A run's token is masked in every run; V8 compiles the pattern once per run (see BREAK).
    const token = 'Xk3-9_abcDEFghiJKLmnoPQRstuVWXyz0123456789a';
    const source = (new SecretMasker([token]) as unknown as { pattern: RegExp }).pattern.source;
    expect(source).not.toContain('(?:');
    expect(source).toContain(token.replace(/-/g, '\\-'));
  });

  it('masks base64 wrapped across transcript lines, line by line', () => {
    for (const width of [8, 10, 16, 76]) {
      const encoded = Buffer.from('header: ' + secret).toString('base64');
      const lines = encoded.match(new RegExp(`.{1,${width}}`, 'g'))!;
      const transcript = masker.lines();
      const out = lines.map((line) => transcript.line(line));
      // No 6 characters of the secret's base64 (in the alignment it has here) are left on any line.
      const run = Buffer.from('header: ' + secret).toString('base64').slice(11, -2);
      const leaked = out.filter((line) => [...Array(run.length - 5).keys()].some((i) => line.includes(run.slice(i, i + 6))));
      expect({ width, leaked }).toEqual({ width, leaked: [] });
    }
  });

  it('leaves ordinary text alone', () => {
    const text = 'TASK [debug] ok: [web1] => {"msg": "hello world", "changed": false} 0123456789abcdef';
    expect(masker.text(text)).toBe(text);
    expect(masker.lines().line(text)).toBe(text);
  });
});

describe('LineMasker', () => {
  it('masks wrapped base64 shown one quoted piece a line (stdout_lines)', () => {
    const secret = 'Sup3r-s3cret-db-password!';
    const transcript = new SecretMasker([secret]).lines();
    const pieces = Buffer.from(`token=${secret}\n`).toString('base64').match(/.{1,12}/g)!;
    const out = ['    "stdout_lines": [', ...pieces.map((p) => `        "${p}",`), '    ]'].map((l) => transcript.line(l)).join('\n');
    const run = Buffer.from(`token=${secret}`).toString('base64').slice(8, -4);
    for (let i = 0; i + 6 <= run.length; i++) expect(out).not.toContain(run.slice(i, i + 6));
    expect(out).toContain('"stdout_lines"');
  });
});

describe('SecretMasker JSON inside JSON', () => {
  it('masks a value escaped twice (a to_json result shown in Ansible\'s own JSON)', () => {
    const secret = 'Sup3r/s3cret db"pw+\\x';
    const twice = JSON.stringify(JSON.stringify(secret));
    expect(new SecretMasker([secret]).text(`msg: ${twice}`)).not.toMatch(/s3cret/);
  });
});

describe('SecretMasker against hostile secrets and output (attack review)', () => {
  /**
   * Runs the masker's own regular expression in a thread that is ended after a deadline: a
   * catastrophically backtracking pattern never returns, and would hang the test as it hangs the
   * worker. The deadline is minutes of slack over what a linear match takes, not a speed figure.
   */
  async function finishes(masker: SecretMasker, input: string): Promise<boolean> {
    const pattern = (masker as unknown as { pattern: RegExp }).pattern;
    const worker = new Worker(`const { parentPort, workerData } = require('node:worker_threads'); parentPort.postMessage(workerData.input.replace(new RegExp(workerData.source, 'g'), '*').length);`, {
      eval: true,
      workerData: { source: pattern.source, input },
    });
    return new Promise<boolean>((resolve) => {
      const deadline = setTimeout(() => void worker.terminate().then(() => resolve(false)), 20_000);
      worker.once('message', () => {
        clearTimeout(deadline);
        void worker.terminate().then(() => resolve(true));
      });
    });
  }

  it('masks in linear time a secret of backslashes against output of backslashes (no catastrophic backtracking)', async () => {
    // 40 backslashes and a letter: the old per-character "\\+\\" form tried every way to split the
    // output's backslashes between the secret's, about C(59, 39) ways at each position.
    const masker = new SecretMasker(['\\'.repeat(40) + 'Z']);
    expect(await finishes(masker, '\\'.repeat(60) + 'Y')).toBe(true);
    // Escaped forms of it are still masked.
    const secret = 'C:\\\\srv\\\\pw"x';
    const escaped = new SecretMasker([secret]);
    for (const form of [secret, JSON.stringify(secret), JSON.stringify(JSON.stringify(secret)), JSON.stringify(JSON.stringify(JSON.stringify(secret)))]) {
      expect({ form, out: escaped.text(`msg: ${form}`) }).toEqual({ form, out: expect.not.stringContaining('srv') });
    }
  });

  it('masks the forms a playbook prints by accident: YAML single-quoted, Python repr, base64 of to_json', () => {
    const secret = `!Sup3r's3cret/db"pw+ö`;
    const masker = new SecretMasker([secret]);
    const forms = {
      // to_nice_yaml quotes a value starting with "!" and doubles its single quotes.
      yaml: `password: '${secret.replace(/'/g, "''")}'`,
      // str() of a dict: Python's repr escapes the single quote when the value holds both.
      repr: `{'password': '${secret.replace(/'/g, "\\'")}'}`,
      // b64encode of to_json of a dict (Python escapes non-ASCII as \u00f6).
      b64json: Buffer.from(JSON.stringify({ password: secret })).toString('base64'),
      b64asciiJson: Buffer.from(JSON.stringify({ password: secret }).replace(/ö/g, '\\u00f6')).toString('base64'),
    };
    for (const [name, form] of Object.entries(forms)) expect({ name, masked: masker.text(form).includes('********') }).toEqual({ name, masked: true });
  });
});
