/** `npm run replay`'s options: defaults, the environment's key and NATS URL, and bad options named with what is allowed. */
import { parseReplayArgs, ReplayUsageError } from '@/server/replay-command';

const env = { CRC_API_KEY: 'crc_env_key' };

describe('replay command options', () => {
  it('defaults to 40 patients at 600× via GraphQL on localhost, with the key from CRC_API_KEY', () => {
    expect(parseReplayArgs([], env)).toEqual({
      patients: 40,
      skip: 0,
      speed: 600,
      via: 'graphql',
      url: 'http://localhost:3000',
      key: 'crc_env_key',
      nats: 'nats://127.0.0.1:4222',
      data: 'data/physionet2019/setA.csv.gz',
      concurrency: 8,
    });
  });

  it('takes every option, max as speed 0, --offset as --skip, and NATS_URL', () => {
    expect(
      parseReplayArgs(['--patients', '3', '--offset', '10', '--speed', 'max', '--via', 'nats'], {
        NATS_URL: 'nats://broker:4222',
      }),
    ).toMatchObject({ patients: 3, skip: 10, speed: 0, via: 'nats', nats: 'nats://broker:4222', key: undefined });
    expect(parseReplayArgs(['--speed', '0', '--via', 'direct', '--skip', '2'], {})).toMatchObject({
      speed: 0,
      skip: 2,
      via: 'direct',
    });
  });

  it.each([
    [['--via', 'kafka'], /--via must be one of graphql, fhir, nats, direct; got "kafka"/],
    [['--patients', '0'], /--patients must be a whole number from 1; got "0"/],
    [['--patients', '2.5'], /--patients must be a whole number from 1/],
    [['--speed', 'fast'], /--speed must be a number of stay hours per wall hour, 0 or more, or max; got "fast"/],
    [['--skip', '1', '--offset', '2'], /--skip and --offset are the same option/],
    [['--url', 'localhost:3000'], /--url must be the Console's http:\/\/ or https:\/\/ base URL/],
    [['--nats', 'http://x'], /--nats must be a nats:\/\/, tls:\/\/ or ws\(s\):\/\/ URL/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('refuses %j, naming the option and what is allowed', (args, message) => {
    expect(() => parseReplayArgs(args, env)).toThrow(ReplayUsageError);
    expect(() => parseReplayArgs(args, env)).toThrow(message);
  });

  it('asks for a key for the HTTP ways in, and names where to get one', () => {
    expect(() => parseReplayArgs(['--via', 'fhir'], {})).toThrow(
      /--via fhir needs an API key: --key <key> or CRC_API_KEY/,
    );
    expect(parseReplayArgs(['--via', 'fhir', '--key', 'k'], {}).key).toBe('k');
  });
});
