import { readResponseBody } from './response-body';

describe('readResponseBody', () => {
  it('parses a body labelled JSON, with or without a charset', () => {
    expect(readResponseBody('application/json', '{"a":[1]}')).toEqual({ isJson: true, body: { a: [1] }, invalidJson: false });
    expect(readResponseBody('application/json; charset=utf-8', '"x"')).toEqual({ isJson: true, body: 'x', invalidJson: false });
  });

  it('keeps the text of a body that is not labelled JSON, even when it would parse', () => {
    expect(readResponseBody('text/plain', '{"a":1}')).toEqual({ isJson: false, body: '{"a":1}', invalidJson: false });
    expect(readResponseBody(null, 'ok')).toEqual({ isJson: false, body: 'ok', invalidJson: false });
  });

  it('says so when a body labelled JSON does not parse, and keeps its text; an empty one is not invalid', () => {
    expect(readResponseBody('application/json', '<html>proxy error</html>')).toEqual({ isJson: true, body: '<html>proxy error</html>', invalidJson: true });
    expect(readResponseBody('application/json', '')).toEqual({ isJson: true, body: '', invalidJson: false });
  });
});
