import { ApiClient, b64 } from '../support/http';
import { TestSmtpServer } from '../support/smtp-server';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';
import { HangServer, Receiver, until } from '../support/webhook-servers';

// Run notifications (README "Notifications"): a finished run's e-mail through the service's SMTP
// relay (a small SMTP server on loopback here) and its chat message to an incoming-webhook URL (a
// receiver on loopback), queued with the run's end and delivered like webhooks.
const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
const PUBLIC_URL = 'http://console.runner.test';
/** ok1 passes; bad1 and bad2 fail, each with a reason that names it. */
const FAILING = b64(
  '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: check disk\n      ansible.builtin.fail: { msg: "disk full on {{ inventory_hostname }}" }\n      when: inventory_hostname != "ok1"\n',
);
const HOSTS = ['ok1', 'bad1', 'bad2'].map((id) => ({ id, hostVars: LOCAL }));
/** A part of each chat URL that is its secret: it must never come back in an answer. */
const CHAT_SECRET = 'T0NOTIFY/B0NOTIFY/chat-secret-3f9a';

describe('run notifications (e-mail and chat)', () => {
  let stack: Stack;
  let client: ApiClient;
  const smtp = new TestSmtpServer();
  const chat = new Receiver();
  const hang = new HangServer();

  /** Messages received for one run (its id is in each). */
  const mailsOf = (executionId: string) => smtp.messages.filter((m) => m.text.includes(executionId));
  const chatsOf = (path: string) => chat.records(path);
  const noticeRows = (executionId: string) =>
    stack.db.query<{ kind: string; status: string; attempts: number; last_error: string | null; url: string }>(
      `SELECT kind, status, attempts, last_error, url FROM webhook_deliveries WHERE execution_id = $1 AND kind <> 'webhook' ORDER BY id`,
      [executionId],
    );
  /** A failing job, started once, whose failure is told to one mailbox and one chat receiver. */
  const failingRun = (mailbox: string, chatUrl: string) =>
    createAndStart(client, 'DEMO', { playbook: FAILING, hosts: HOSTS, notify: { email: { to: [mailbox], on: 'failure' }, chat: { url: chatUrl, on: 'failure' } } });
  /** Every notice of the run was sent or given up: nothing more will arrive for it. */
  const settled = async (executionId: string): Promise<boolean> => (await noticeRows(executionId)).every((r) => r.status !== 'pending');

  beforeAll(async () => {
    await Promise.all([smtp.start(), chat.start(), hang.start()]);
    smtp.refuse.add('nobody@runner.test');
    const env = {
      RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true',
      RUNNER_SMTP_URL: smtp.url,
      RUNNER_SMTP_FROM: 'runner@runner.test',
      RUNNER_PUBLIC_URL: PUBLIC_URL,
      // A short deadline, so the hanging receiver's attempts end (and are retried) within the test.
      RUNNER_WEBHOOK_TIMEOUT_MS: '1500',
    };
    stack = await startStack(env, env);
    client = stack.admin;
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([smtp.stop(), chat.stop(), hang.stop()]);
  });

  it('a failing run sends one e-mail and one chat message, each naming the failed hosts with their reasons and linking the run', async () => {
    const { job, execution, path } = await createAndStart(client, 'DEMO', {
      description: 'nightly patching',
      playbook: FAILING,
      hosts: HOSTS,
      notify: { email: { to: ['ops@runner.test', 'oncall@runner.test'], on: 'failure' }, chat: { url: chat.url(`/first/${CHAT_SECRET}`), on: 'always' } },
    });
    const id = execution.execution_id;
    const ended = await waitForStatus(client, path);
    expect(ended.status).toBe('FAILURE');
    await until(() => mailsOf(id).length >= 1 && chatsOf(`/first/${CHAT_SECRET}`).length >= 1, 60_000, 'the e-mail and the chat message');
    await until(() => settled(id), 60_000, 'every notice sent');
    const link = `${PUBLIC_URL}/jobs/${job.id}/executions/${id}`;

    const mails = mailsOf(id);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.from).toBe('runner@runner.test');
    expect(mail.to).toEqual(['ops@runner.test', 'oncall@runner.test']);
    expect(mail.subject).toContain('FAILURE');
    expect(mail.subject).toContain('nightly patching');
    expect(mail.text).toContain('bad1: disk full on bad1');
    expect(mail.text).toContain('bad2: disk full on bad2');
    expect(mail.text).not.toMatch(/- ok1/);
    expect(mail.text).toContain(link);

    const messages = chatsOf(`/first/${CHAT_SECRET}`);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message.text).toContain('FAILURE');
    expect(message.text).toContain('bad1: disk full on bad1');
    expect(message.text).toContain('bad2: disk full on bad2');
    expect(message.text).toContain(link);
    expect(message.blocks.some((b: any) => b.type === 'actions' && b.elements[0].url === link)).toBe(true);

    // The status API's `notifications` are the callbacks' deliveries only: the notices are not among them.
    const records = await allRecords(client, 'DEMO', job.id, id);
    expect(records.every((r) => (r.notifications ?? []).length === 0)).toBe(true);
  });

  it('keeps the chat URL write-only: no GET shows it, and a GET → PUT round trip keeps sending to it', async () => {
    const created = await client.post('/v2/automation/jobs/DEMO', {
      playbook: FAILING,
      hosts: HOSTS,
      notify: { chat: { url: chat.url(`/kept/${CHAT_SECRET}`), on: 'failure' } },
    });
    expect(created.status).toBe(201);
    const answers = [created, await client.get(`/v2/automation/jobs/DEMO/${created.body.id}`), await client.get('/v2/automation/jobs/DEMO?size=100')];
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain('chat-secret');
    const shown = answers[1].body;
    expect(shown.notify).toEqual({ chat: { url: '$encrypted$', on: 'failure', origin: `http://127.0.0.1:${chat.port}` } });

    // The document as GET returned it goes back unchanged; the stored URL is kept and used.
    const put = await client.put(`/v2/automation/jobs/DEMO/${created.body.id}`, shown);
    expect(put.status).toBe(200);
    expect(JSON.stringify(put.body)).not.toContain('chat-secret');
    const started = await client.post(`/v2/automation/jobs/DEMO/${created.body.id}/start`, {});
    const path = `/v2/automation/jobs/DEMO/${created.body.id}/executions/${started.body.execution_id}`;
    expect((await waitForStatus(client, path)).status).toBe('FAILURE');
    await until(() => chatsOf(`/kept/${CHAT_SECRET}`).length === 1, 60_000, 'the chat message to the kept URL');

    // "$encrypted$" with nothing stored to keep is refused, and changes nothing.
    const other = await client.post('/v2/automation/jobs/DEMO', { playbook: FAILING, hosts: HOSTS });
    const refused = await client.put(`/v2/automation/jobs/DEMO/${other.body.id}`, { playbook: FAILING, hosts: HOSTS, notify: { chat: { url: '$encrypted$', on: 'always' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/notify\.chat\.url/);
    expect((await client.get(`/v2/automation/jobs/DEMO/${other.body.id}`)).body.notify).toBeUndefined();
  });

  it('sends nothing on failure for success-only settings', async () => {
    const successOnly = await createAndStart(client, 'DEMO', {
      playbook: FAILING,
      hosts: HOSTS,
      notify: { email: { to: ['ops@runner.test'], on: 'success' }, chat: { url: chat.url('/success-only'), on: 'success' } },
    });
    expect((await waitForStatus(client, successOnly.path)).status).toBe('FAILURE');
    // Notices are queued in the transaction that stores the run's end: none was.
    expect(await noticeRows(successOnly.execution.execution_id)).toEqual([]);
    expect(mailsOf(successOnly.execution.execution_id)).toEqual([]);
    expect(chatsOf('/success-only')).toEqual([]);
  });

  it('applies the account default to a job without its own settings, and not to one with `{}`', async () => {
    const set = await client.put('/v2/accounts/DEMO/notify', {
      email: { to: ['team@runner.test'], on: 'always' },
      chat: { url: chat.url(`/default/${CHAT_SECRET}`), on: 'failure' },
    });
    expect(set.status).toBe(200);
    const shown = (await client.get('/v2/accounts/DEMO/notify')).body;
    expect(shown).toEqual({ email: { to: ['team@runner.test'], on: 'always' }, chat: { url: '$encrypted$', on: 'failure', origin: `http://127.0.0.1:${chat.port}` } });
    expect(JSON.stringify(shown)).not.toContain('chat-secret');
    try {
      const plain = await createAndStart(client, 'DEMO', { playbook: FAILING, hosts: HOSTS });
      const silent = await createAndStart(client, 'DEMO', { playbook: FAILING, hosts: HOSTS, notify: {} });
      const plainId = plain.execution.execution_id;
      expect((await waitForStatus(client, plain.path)).status).toBe('FAILURE');
      expect((await waitForStatus(client, silent.path)).status).toBe('FAILURE');
      await until(() => mailsOf(plainId).length === 1 && chatsOf(`/default/${CHAT_SECRET}`).length === 1, 60_000, "the account default's notices");
      expect(mailsOf(plainId)[0].to).toEqual(['team@runner.test']);
      expect(chatsOf(`/default/${CHAT_SECRET}`)[0].text).toContain(plainId);
      expect(await noticeRows(silent.execution.execution_id)).toEqual([]);

      // The default's chat URL is kept by "$encrypted$" too.
      expect((await client.put('/v2/accounts/DEMO/notify', shown)).status).toBe(200);
      expect((await client.get('/v2/accounts/DEMO/notify')).body).toEqual(shown);
    } finally {
      expect((await client.put('/v2/accounts/DEMO/notify', {})).status).toBe(200);
    }
    expect((await client.get('/v2/accounts/DEMO/notify')).body).toEqual({});
  });

  it('a chat receiver that never answers delays neither the next run nor its notices; it is retried, and a refused recipient is given up', async () => {
    const hanging = await failingRun('nobody@runner.test', hang.url('/never'));
    const hangingId = hanging.execution.execution_id;
    expect((await waitForStatus(client, hanging.path)).status).toBe('FAILURE');
    await until(() => hang.requests >= 1, 60_000, 'the hanging receiver asked');

    // While the receiver holds its request, the next run starts, ends and its notices arrive.
    const next = await failingRun('ops@runner.test', chat.url('/after-hang'));
    const nextId = next.execution.execution_id;
    expect((await waitForStatus(client, next.path)).status).toBe('FAILURE');
    await until(() => mailsOf(nextId).length === 1 && chatsOf('/after-hang').length === 1, 60_000, "the next run's notices");

    // The hanging attempt ends at its deadline and is tried again (the row stays pending, with the reason).
    await until(() => hang.requests >= 2 && hang.endedByCaller >= 1, 60_000, 'a second attempt at the hanging receiver');
    const rows = await noticeRows(hangingId);
    const chatRow = rows.find((r) => r.kind === 'chat')!;
    expect(chatRow.status).toBe('pending');
    expect(chatRow.last_error).toMatch(/no complete answer within 1500 ms/);
    // The row keys its queue by the URL's origin, never the URL itself.
    expect(chatRow.url).not.toContain('/never');
    // The relay refused a recipient for good (550): given up at once, not retried for minutes.
    const mailRow = rows.find((r) => r.kind === 'email')!;
    expect(mailRow.status).toBe('failed');
    expect(mailRow.attempts).toBe(1);
    expect(mailRow.last_error).toMatch(/550/);
  });

  it('a job name with CR/LF cannot add mail headers, and an address with CR/LF is refused', async () => {
    const hostile = 'deploy\r\nBcc: victim@evil.test\r\nX-Injected: yes\r\n\r\nforged body';
    const { execution, path } = await createAndStart(client, 'DEMO', {
      description: hostile,
      playbook: FAILING,
      hosts: HOSTS,
      // nobody@ is refused by the relay (550): the others still get the message.
      notify: { email: { to: ['ops@runner.test', 'nobody@runner.test'], on: 'failure' } },
    });
    const id = execution.execution_id;
    expect((await waitForStatus(client, path)).status).toBe('FAILURE');
    await until(() => mailsOf(id).length === 1, 60_000, 'the e-mail');
    const [mail] = mailsOf(id);
    expect(mail.to).toEqual(['ops@runner.test']);
    const names = mail.headers.map(([name]) => name);
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
    expect(names.filter((n) => n === 'subject')).toHaveLength(1);
    // The whole name is in the subject, on one line.
    expect(mail.subject).toContain('deploy Bcc: victim@evil.test X-Injected: yes forged body');

    for (const address of ['ops@runner.test\r\nBcc: victim@evil.test', 'ops@runner.test>\r\nRCPT TO:<victim@evil.test', 'Ops <ops@runner.test>', 'ops@runner.test,victim@evil.test']) {
      const refused = await client.post('/v2/automation/jobs/DEMO', { playbook: FAILING, hosts: HOSTS, notify: { email: { to: [address], on: 'always' } } });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/notify\.email\.to\.0/);
    }
    const defaultRefused = await client.put('/v2/accounts/DEMO/notify', { email: { to: ['ops@runner.test\nBcc: victim@evil.test'], on: 'always' } });
    expect(defaultRefused.status).toBe(400);
    expect((await client.get('/v2/accounts/DEMO/notify')).body).toEqual({});
  });
});
