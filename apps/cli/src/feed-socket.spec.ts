import { socketTarget } from './feed-socket';

describe('socketTarget', () => {
  it('keeps the namespace on the origin and moves a path prefix into the engine path', () => {
    expect(socketTarget('http://127.0.0.1:8080')).toEqual({ uri: 'http://127.0.0.1:8080/automation', path: '/socket.io' });
    expect(socketTarget('https://runner.example/tools/runner')).toEqual({ uri: 'https://runner.example/automation', path: '/tools/runner/socket.io' });
    expect(socketTarget('https://runner.example/prefix/')).toEqual({ uri: 'https://runner.example/automation', path: '/prefix/socket.io' });
  });
});
