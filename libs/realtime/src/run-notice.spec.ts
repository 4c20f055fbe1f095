import { chatMessage, encodeHeaderText, mailMessage, RunNotice } from './run-notice';

const NOTICE: RunNotice = {
  accountAlias: 'DEMO',
  jobId: 'b3c1a7e0-0000-4000-8000-000000000001',
  jobName: 'nightly patching',
  executionId: 'e2d4c6b8-0000-4000-8000-000000000002',
  status: 'FAILURE',
  reason: null,
  failedHosts: [
    { host: 'web1', reason: 'disk full' },
    { host: 'web2', reason: null },
  ],
  link: 'https://runner.example.com/jobs/b3c1a7e0-0000-4000-8000-000000000001/executions/e2d4c6b8-0000-4000-8000-000000000002',
};

/** The header block of a message: every line end must be followed by a space (a folded line) or start a header we wrote. */
function headerLines(message: string): string[] {
  return message.slice(0, message.indexOf('\r\n\r\n')).split('\r\n');
}

describe('run notices', () => {
  it('encodes header text so no CR or LF of it can start a header line', () => {
    for (const text of ['deploy\r\nBcc: victim@evil.test', 'a\nb', 'a\rb', 'ünïcödé\r\nX-Injected: yes', 'x'.repeat(400)]) {
      const encoded = encodeHeaderText(text);
      expect(encoded.split('\r\n').slice(1).every((line) => line.startsWith(' '))).toBe(true);
      expect(encoded).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    }
    expect(encodeHeaderText('plain subject')).toBe('plain subject');
  });

  it('writes exactly the headers it means to, whatever the job is called', () => {
    const message = mailMessage({ ...NOTICE, jobName: 'deploy\r\nBcc: victim@evil.test\r\n\r\nforged' }, 'runner@example.com', ['ops@example.com']);
    const names = headerLines(message)
      .filter((line) => !line.startsWith(' '))
      .map((line) => line.slice(0, line.indexOf(':')));
    expect(names).toEqual(['From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding', 'Auto-Submitted']);
    const body = Buffer.from(message.slice(message.indexOf('\r\n\r\n') + 4).replace(/\s+/g, ''), 'base64').toString('utf8');
    expect(body).toContain('- web1: disk full');
    expect(body).toContain('- web2');
    expect(body).toContain(NOTICE.link);
  });

  it('refuses to write an address that is not plain', () => {
    expect(() => mailMessage(NOTICE, 'runner@example.com', ['ops@example.com\r\nBcc: victim@evil.test'])).toThrow(/not a plain address/);
  });

  it('names the job, run, status, failed hosts and link in the chat message, and escapes Slack markup in names', () => {
    const message = chatMessage({ ...NOTICE, jobName: 'deploy <!channel> <https://evil.test|click>', failedHosts: [{ host: 'web1', reason: 'boom <@U123>' }] });
    expect(message.text).toContain(NOTICE.executionId);
    expect(message.text).toContain('FAILURE');
    expect(message.text).toContain('web1: boom &lt;@U123&gt;');
    expect(message.text).not.toContain('<!channel>');
    expect(message.text).not.toContain('<https://evil.test');
    expect(message.text).toContain(`<${NOTICE.link}|Open the run>`);
  });
});
