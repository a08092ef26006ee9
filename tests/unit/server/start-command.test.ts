import { loadEnvironment } from '@/config/environment';
import { EnvironmentError } from '@/config/environment';
import { parseStartArgs, StartUsageError } from '@/server/start-command';

const env = (PORT?: string, SERVER_PROCESSES?: string) =>
  loadEnvironment({
    ...(PORT === undefined ? {} : { PORT }),
    ...(SERVER_PROCESSES === undefined ? {} : { SERVER_PROCESSES }),
  });

describe("the start command's options", () => {
  it('serves on PORT, else 3000, on every interface unless a hostname is given', () => {
    expect(parseStartArgs([], env())).toEqual({ port: 3000, workers: 1 });
    expect(parseStartArgs([], env('8080'))).toEqual({ port: 8080, workers: 1 });
    expect(parseStartArgs(['--hostname', '127.0.0.1'], env())).toEqual({
      port: 3000,
      hostname: '127.0.0.1',
      workers: 1,
    });
  });

  it('takes --port (or -p) over PORT, as `next start` does, and -H for the hostname', () => {
    expect(parseStartArgs(['--port', '4000'], env('8080'))).toEqual({ port: 4000, workers: 1 });
    expect(parseStartArgs(['-p', '0', '-H', '::1'], env())).toEqual({ port: 0, hostname: '::1', workers: 1 });
  });

  it('runs SERVER_PROCESSES server processes, else one, and takes --workers (or -w) over it', () => {
    expect(parseStartArgs([], env(undefined, '3')).workers).toBe(3);
    expect(parseStartArgs(['--workers', '2'], env(undefined, '3')).workers).toBe(2);
    expect(parseStartArgs(['-w', '64'], env()).workers).toBe(64);
  });

  it.each(['0', '65', '1.5', 'two', '-1'])('refuses --workers %s, naming the range', (value) => {
    expect(() => parseStartArgs([`--workers=${value}`], env())).toThrow(
      `--workers must be a whole number from 1 to 64; got ${value}`,
    );
  });

  it('refuses a SERVER_PROCESSES that is not a number of processes, naming the setting', () => {
    expect(() => env(undefined, '0')).toThrow(
      'invalid environment: SERVER_PROCESSES: must be a whole number of processes from 1 to 64',
    );
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
