import { originAllowed } from './origin';

describe('originAllowed', () => {
  const allowed = ['https://console.example.com'];

  it('takes clients that send no Origin (programs, the CLI)', () => {
    expect(originAllowed(undefined, 'api.example.com', [])).toBe(true);
  });

  it('takes the API’s own origin, whatever scheme a proxy terminates', () => {
    expect(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', [])).toBe(true);
    expect(originAllowed('https://API.example.com', 'api.example.com', [])).toBe(true);
  });

  it('takes a configured origin and no other', () => {
    expect(originAllowed('https://console.example.com', 'api.example.com', allowed)).toBe(true);
    expect(originAllowed('https://console.example.com:8443', 'api.example.com', allowed)).toBe(false);
    expect(originAllowed('http://console.example.com', 'api.example.com', allowed)).toBe(false);
    expect(originAllowed('https://evil.example', 'api.example.com', allowed)).toBe(false);
    expect(originAllowed('https://api.example.com.evil.example', 'api.example.com', allowed)).toBe(false);
  });

  it('refuses `null`, an empty or malformed Origin, and other schemes', () => {
    for (const origin of ['null', '', 'not a url', 'file:///etc', 'chrome-extension://abc']) {
      expect(originAllowed(origin, 'api.example.com', allowed)).toBe(false);
    }
  });

  it('refuses a cross-origin page when the request has no Host', () => {
    expect(originAllowed('https://api.example.com', undefined, [])).toBe(false);
  });
});
