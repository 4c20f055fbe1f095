import { AnsibleEvent, cutLineBytes, LineSplitter, parseEventLine, summarizeStats } from './ansible-event';

function eventLine(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    event: 'runner_on_ok',
    uuid: '2a3b051b-fafe-4310-9887-38f2436fb84a',
    parent_uuid: '02fc0000-0001-f893-659b-000000000005',
    host: 'localhost',
    play: 'Event test play',
    task: 'say hello',
    failed: false,
    changed: false,
    message: 'hello',
    stdout: null,
    event_data: { msg: 'hello', task_action: 'debug', ignore_errors: false },
    timestamp: '2026-01-02T03:04:05.678Z',
    ...overrides,
  });
}

function statsEvent(hosts: unknown): AnsibleEvent {
  return {
    event: 'playbook_on_stats',
    uuid: null,
    parent_uuid: null,
    host: null,
    play: null,
    task: null,
    failed: false,
    changed: false,
    message: null,
    stdout: null,
    event_data: { hosts },
    timestamp: '2026-01-02T03:04:05.678Z',
  };
}

describe('LineSplitter', () => {
  it('cuts a line over its limit, however it arrives, and says how long it was', () => {
    const splitter = new LineSplitter(10);
    const lines = [...splitter.push('short\n0123456789abc'), ...splitter.push('defgh'.repeat(1000)), ...splitter.push('\nnext\nlast-without-newline-and-long')];
    const flushed = splitter.flush();
    expect(lines).toEqual(['short', '0123456789 [… line cut: 5013 bytes in all]', 'next']);
    expect(flushed).toEqual(['last-witho [… line cut: 29 bytes in all]']);
    expect(lines.map(cutLineBytes)).toEqual([null, 5013, null]);
    expect(splitter.flush()).toEqual([]);
  });

  it('returns complete lines and keeps the partial tail until it is completed', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('first\nsec')).toEqual(['first']);
    expect(splitter.push('ond')).toEqual([]);
    expect(splitter.push('\nthird\nfourth\n')).toEqual(['second', 'third', 'fourth']);
    expect(splitter.flush()).toEqual([]);
  });

  it('accepts Buffers split anywhere, including right before and after the newline', () => {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    for (const part of ['ab', 'c', '\n', '\nd', 'e\n']) lines.push(...splitter.push(Buffer.from(part)));
    expect(lines).toEqual(['abc', '', 'de']);
  });

  it('decodes multi-byte UTF-8 characters split across chunks', () => {
    const text = 'héllo ✓ wörld 🚀\nnext 日本\n';
    const bytes = Buffer.from(text, 'utf8');
    // every split point, including those inside a multi-byte sequence
    for (let cut = 1; cut < bytes.length; cut++) {
      const splitter = new LineSplitter();
      const lines = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))];
      expect(lines).toEqual(['héllo ✓ wörld 🚀', 'next 日本']);
    }
    // and one byte at a time
    const splitter = new LineSplitter();
    const lines: string[] = [];
    for (const byte of bytes) lines.push(...splitter.push(Buffer.from([byte])));
    expect(lines).toEqual(['héllo ✓ wörld 🚀', 'next 日本']);
    expect(lines.join('')).not.toContain('\uFFFD');
  });

  it('does not depend on the caller keeping its buffer intact', () => {
    const splitter = new LineSplitter();
    const chunk = Buffer.from('abc');
    splitter.push(chunk);
    chunk.fill(0x78); // 'x'
    expect(splitter.push('\n')).toEqual(['abc']);
  });

  it('strips a trailing carriage return', () => {
    expect(new LineSplitter().push('a\r\nb\n')).toEqual(['a', 'b']);
  });

  it('flush returns the unterminated tail once', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('done\npart'))).toEqual(['done']);
    expect(splitter.push(Buffer.from([0xe2, 0x9c]))).toEqual([]);
    expect(splitter.push(Buffer.from([0x93]))).toEqual([]);
    expect(splitter.flush()).toEqual(['part✓']);
    expect(splitter.flush()).toEqual([]);
  });

  it('handles a long line delivered in many chunks', () => {
    const splitter = new LineSplitter();
    const line = 'z'.repeat(200_000);
    const lines: string[] = [];
    for (let i = 0; i < line.length; i += 4096) lines.push(...splitter.push(line.slice(i, i + 4096)));
    lines.push(...splitter.push('\n'));
    expect(lines).toEqual([line]);
  });
});

describe('parseEventLine', () => {
  it('parses a line written by the plugin', () => {
    const event = parseEventLine(eventLine());
    expect(event).toEqual({
      event: 'runner_on_ok',
      uuid: '2a3b051b-fafe-4310-9887-38f2436fb84a',
      parent_uuid: '02fc0000-0001-f893-659b-000000000005',
      host: 'localhost',
      play: 'Event test play',
      task: 'say hello',
      failed: false,
      changed: false,
      message: 'hello',
      stdout: null,
      event_data: { msg: 'hello', task_action: 'debug', ignore_errors: false },
      timestamp: '2026-01-02T03:04:05.678Z',
    });
  });

  it('tolerates surrounding whitespace and a carriage return', () => {
    expect(parseEventLine(`  ${eventLine()}\r`)?.event).toBe('runner_on_ok');
  });

  it.each([
    ['an empty line', ''],
    ['a blank line', '   '],
    ['plain transcript text', 'TASK [say hello] ****'],
    ['truncated JSON', eventLine().slice(0, 40)],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"runner_on_ok"'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['an object without event', JSON.stringify({ host: 'localhost' })],
    ['an object with an empty event', eventLine({ event: '' })],
    ['an object with a non-string event', eventLine({ event: 7 })],
    ['NaN, which JSON does not allow', '{"event": "runner_on_ok", "x": NaN}'],
  ])('returns null for %s', (_name, line) => {
    expect(() => parseEventLine(line)).not.toThrow();
    expect(parseEventLine(line)).toBeNull();
  });

  it('normalises wrongly typed fields instead of failing', () => {
    const event = parseEventLine(
      eventLine({ uuid: 5, host: ['a'], failed: 'yes', changed: 1, event_data: [1], message: { a: 1 } }),
    );
    expect(event).not.toBeNull();
    expect(event?.uuid).toBeNull();
    expect(event?.host).toBeNull();
    expect(event?.failed).toBe(false);
    expect(event?.changed).toBe(false);
    expect(event?.message).toBeNull();
    expect(event?.event_data).toEqual({});
  });

  it('fills in missing optional fields', () => {
    const event = parseEventLine('{"event":"playbook_on_start"}');
    expect(event).toMatchObject({
      event: 'playbook_on_start',
      uuid: null,
      parent_uuid: null,
      host: null,
      play: null,
      task: null,
      failed: false,
      changed: false,
      message: null,
      stdout: null,
      event_data: {},
    });
    expect(Number.isNaN(Date.parse(event?.timestamp ?? ''))).toBe(false);
  });
});

describe('summarizeStats', () => {
  it('returns per-host summaries and the sorted failed or unreachable hosts', () => {
    const ok = { ok: 7, changed: 4, failures: 0, unreachable: 0, skipped: 1, rescued: 0, ignored: 2 };
    const failed = { ok: 1, changed: 0, failures: 1, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 };
    const unreachable = { ok: 0, changed: 0, failures: 0, unreachable: 1, skipped: 0, rescued: 0, ignored: 0 };
    const result = summarizeStats(statsEvent({ web2: failed, localhost: ok, db1: unreachable, web1: failed }));
    expect(result.hostSummaries).toEqual({ web2: failed, localhost: ok, db1: unreachable, web1: failed });
    expect(result.failedHosts).toEqual(['db1', 'web1', 'web2']);
  });

  it('works on an event parsed from a real plugin line', () => {
    const line =
      '{"event": "playbook_on_stats", "uuid": null, "parent_uuid": null, "host": null, "play": null, "task": null, ' +
      '"failed": false, "changed": false, "message": null, "stdout": null, "event_data": {"hosts": {"a": {"ok": 0, ' +
      '"changed": 0, "failures": 1, "unreachable": 0, "skipped": 0, "rescued": 0, "ignored": 0}, "b": {"ok": 0, ' +
      '"changed": 0, "failures": 0, "unreachable": 0, "skipped": 1, "rescued": 0, "ignored": 0}}}, ' +
      '"timestamp": "2026-11-23T20:57:50.066Z"}';
    const event = parseEventLine(line);
    expect(event).not.toBeNull();
    const result = summarizeStats(event as AnsibleEvent);
    expect(result.failedHosts).toEqual(['a']);
    expect(result.hostSummaries['b']).toEqual({
      ok: 0,
      changed: 0,
      failures: 0,
      unreachable: 0,
      skipped: 1,
      rescued: 0,
      ignored: 0,
    });
  });

  it('counts missing or malformed counters as zero', () => {
    const result = summarizeStats(statsEvent({ h: { ok: '3', failures: -1, unreachable: null, changed: 2.7 }, g: 'x' }));
    expect(result.hostSummaries).toEqual({
      h: { ok: 0, changed: 2, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 },
      g: { ok: 0, changed: 0, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 },
    });
    expect(result.failedHosts).toEqual([]);
  });

  it('returns nothing when there are no hosts', () => {
    expect(summarizeStats(statsEvent(undefined))).toEqual({ hostSummaries: {}, failedHosts: [] });
    expect(summarizeStats(statsEvent([]))).toEqual({ hostSummaries: {}, failedHosts: [] });
    expect(summarizeStats(statsEvent({}))).toEqual({ hostSummaries: {}, failedHosts: [] });
  });

  it('keeps a host named __proto__ as an ordinary key', () => {
    const hosts = JSON.parse('{"__proto__": {"failures": 1}}') as unknown;
    const result = summarizeStats(statsEvent(hosts));
    expect(Object.keys(result.hostSummaries)).toEqual(['__proto__']);
    expect(result.failedHosts).toEqual(['__proto__']);
  });
});
