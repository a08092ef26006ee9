import { loadEnvironment } from '@/config/environment';
import { EnvironmentError } from '@/config/environment';
import { parseStartArgs, StartUsageError } from '@/server/start-command';

const env = (PORT?: string) => loadEnvironment(PORT === undefined ? {} : { PORT });

describe("the start command's options", () => {
  it('serves on PORT, else 3000, on every interface unless a hostname is given', () => {
    expect(parseStartArgs([], env())).toEqual({ port: 3000 });
    expect(parseStartArgs([], env('8080'))).toEqual({ port: 8080 });
    expect(parseStartArgs(['--hostname', '127.0.0.1'], env())).toEqual({ port: 3000, hostname: '127.0.0.1' });
  });

  it('takes --port (or -p) over PORT, as `next start` does, and -H for the hostname', () => {
    expect(parseStartArgs(['--port', '4000'], env('8080'))).toEqual({ port: 4000 });
    expect(parseStartArgs(['-p', '0', '-H', '::1'], env())).toEqual({ port: 0, hostname: '::1' });
  });

  it.each([
    ['--port', 'abc'],
    ['--port', '70000'],
    ['--port', '-1'],
    ['--port', '1.5'],
    ['--hostname', ' '],
    ['--nope'],
  ])('refuses %s %s with the usage', (...args) => {
    expect(() => parseStartArgs(args, env())).toThrow(StartUsageError);
    expect(() => parseStartArgs(args, env())).toThrow(/usage: npm start -- \[--port/);
  });

  it('refuses a PORT that is not a port, naming the setting', () => {
    expect(() => env('http')).toThrow(EnvironmentError);
    expect(() => env('70000')).toThrow(/PORT: must be a port number, 0 to 65535/);
  });
});
