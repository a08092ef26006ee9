/**
 * Which server-action POSTs are refused before Next.js reads them, and how: a foreign Origin 403, a body that is not
 * its form 400.
 */
import {
  ACTION_BODY_LIMIT,
  actionRefusal,
  actionRequestError,
  foreignOrigin,
  ForeignActionOriginError,
  isPossibleServerAction,
  malformedContentType,
  MalformedActionBodyError,
} from '@/dashboard/action-request';
import { config, proxy } from '@/proxy';

const SITE = 'http://console.example:3000';

/** A POST to /sign-in as a browser on the site would send it, with `headers` added or overriding. */
function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request(`${SITE}/sign-in`, {
    method: 'POST',
    body,
    headers: { host: 'console.example:3000', origin: SITE, ...headers },
  });
}

function signInForm(): FormData {
  const form = new FormData();
  form.append('$ACTION_REF_1', '');
  form.append('$ACTION_1:0', '{"id":"60d4c5bd0ec3e813acc892c38fb59922e826754e83","bound":"$@1"}');
  form.append('key', 'crc_x');
  form.append('next', '/predictions');
  return form;
}

describe('isPossibleServerAction', () => {
  it.each([
    ['a POST from the client router', 'POST', { 'next-action': 'abc' }, true],
    [
      'a multipart POST (a form without JavaScript)',
      'POST',
      { 'content-type': 'multipart/form-data; boundary=x' },
      true,
    ],
    ['a GET with a next-action header', 'GET', { 'next-action': 'abc' }, false],
    ['a JSON POST (GraphQL)', 'POST', { 'content-type': 'application/json' }, false],
    [
      'a url-encoded POST, which Next never runs as an action',
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      false,
    ],
  ])('%s', (_label, method, headers, expected) => {
    expect(isPossibleServerAction(method, new Headers(headers))).toBe(expected);
  });
});

describe('foreignOrigin (Next.js rule: the Origin host is the forwarded host, else the Host)', () => {
  it.each([
    ['the same host and port', { origin: SITE, host: 'console.example:3000' }],
    [
      'the forwarded host a proxy in front sets',
      {
        origin: 'https://console.example',
        host: '10.0.0.7:3000',
        'x-forwarded-host': 'console.example, proxy.internal',
      },
    ],
    ['no Origin (not a browser)', { host: 'console.example:3000' }],
  ])('lets %s through', (_label, headers) => {
    expect(foreignOrigin(new Headers(headers))).toBeUndefined();
  });

  it.each([
    [
      'another site',
      { origin: 'https://evil.example', host: 'console.example:3000' },
      'its Origin (evil.example) is not this site (console.example:3000)',
    ],
    ['another port', { origin: 'http://console.example:3001', host: 'console.example:3000' }, 'is not this site'],
    [
      'a forwarded host that differs, whatever the Host',
      { origin: SITE, host: 'console.example:3000', 'x-forwarded-host': 'elsewhere.example' },
      'is not this site (elsewhere.example)',
    ],
    ['an opaque origin ("null")', { origin: 'null', host: 'console.example:3000' }, 'its Origin (null)'],
    [
      'an Origin that is not a URL',
      { origin: 'not a url', host: 'console.example:3000' },
      'the Origin header is not a URL',
    ],
    ['no Host to compare with', { origin: SITE }, 'names no Host'],
  ])('refuses %s with FORBIDDEN', (_label, headers, reason) => {
    const error = foreignOrigin(new Headers(headers));
    expect(error).toBeInstanceOf(ForeignActionOriginError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(error!.message).toContain(reason);
  });

  it('clips a long Origin in its message', () => {
    const error = foreignOrigin(new Headers({ origin: `https://${'a'.repeat(500)}.example`, host: 'console.example' }));
    expect(error!.message.length).toBeLessThan(300);
  });

  it('has no allowed origins to mirror: next.config.js sets no serverActions.allowedOrigins (add one there, teach foreignOrigin too)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- next.config.js is CommonJS, read as Next reads it.
    const nextConfig = require('../../../next.config.js') as {
      serverActions?: unknown;
      experimental?: { serverActions?: unknown };
    };
    expect(nextConfig.serverActions).toBeUndefined();
    expect(nextConfig.experimental?.serverActions).toBeUndefined();
  });
});

describe('malformedContentType', () => {
  it.each([
    'multipart/form-data; boundary=----x',
    'multipart/form-data;boundary="a b"',
    'text/plain;charset=UTF-8',
    null,
  ])('accepts %p', (type) => {
    expect(malformedContentType(type)).toBeUndefined();
  });

  it.each(['multipart/form-data', 'multipart/form-data; charset=utf-8', 'multipart/form-data; boundary='])(
    'refuses %p with BAD_REQUEST',
    (type) => {
      expect(malformedContentType(type)).toMatchObject({
        code: 'BAD_REQUEST',
        status: 400,
        message: expect.stringContaining('boundary'),
      });
    },
  );
});

describe('actionRequestError', () => {
  it('lets a well-formed same-origin form through, and its body stays readable for Next', async () => {
    const request = post(signInForm());
    await expect(actionRequestError(request)).resolves.toBeUndefined();
    expect((await request.formData()).get('next')).toBe('/predictions');
  });

  it('lets requests that cannot be actions through without reading them', async () => {
    const request = new Request(`${SITE}/api/graphql`, {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
    });
    await expect(actionRequestError(request)).resolves.toBeUndefined();
    expect(request.bodyUsed).toBe(false);
  });

  it('refuses a cross-origin action with FORBIDDEN before reading its body', async () => {
    const request = post('[]', {
      origin: 'https://evil.example',
      'next-action': '60d4c5bd',
      'content-type': 'text/plain;charset=UTF-8',
    });
    await expect(actionRequestError(request)).resolves.toBeInstanceOf(ForeignActionOriginError);
    expect(request.bodyUsed).toBe(false);
  });

  it.each([
    ['a body that is not multipart', 'this is not multipart', 'multipart/form-data; boundary=xyz'],
    [
      'a body cut off before its closing boundary',
      '--xyz\r\nContent-Disposition: form-data; name="key"\r\n\r\ncrc_',
      'multipart/form-data; boundary=xyz',
    ],
    ['no boundary', '--xyz--\r\n', 'multipart/form-data'],
  ])('refuses %s with BAD_REQUEST', async (_label, body, type) => {
    const error = await actionRequestError(post(body, { 'content-type': type }));
    expect(error).toBeInstanceOf(MalformedActionBodyError);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('refuses a broken multipart body from the client router too', async () => {
    await expect(
      actionRequestError(
        post('garbage', { 'next-action': '60d4c5bd', 'content-type': 'multipart/form-data; boundary=xyz' }),
      ),
    ).resolves.toBeInstanceOf(MalformedActionBodyError);
  });

  it('leaves a body over Next.js’s action limit to Next (which answers 413) instead of parsing it', async () => {
    const request = post('x', {
      'content-type': 'multipart/form-data; boundary=xyz',
      'content-length': String(ACTION_BODY_LIMIT + 1),
    });
    await expect(actionRequestError(request)).resolves.toBeUndefined();
  });
});

describe('actionRefusal', () => {
  it('answers the status with a plain-text line naming the code and the reason, never cached', async () => {
    const response = actionRefusal(
      new ForeignActionOriginError('its Origin (evil.example) is not this site (console.example)'),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe(
      'FORBIDDEN: server action refused: its Origin (evil.example) is not this site (console.example)\n',
    );
  });
});

describe('the proxy', () => {
  it('answers a refused action itself and lets a good one continue', async () => {
    expect((await proxy(post('[]', { origin: 'https://evil.example', 'next-action': 'x' })))?.status).toBe(403);
    expect((await proxy(post('nope', { 'content-type': 'multipart/form-data; boundary=xyz' })))?.status).toBe(400);
    await expect(proxy(post(signInForm()))).resolves.toBeUndefined();
  });

  it('runs only for requests that can be actions, on pages (never /api or assets)', () => {
    for (const { source, has } of config.matcher) {
      expect(source).toBe('/((?!api/|_next/).*)');
      expect(has).toHaveLength(1);
    }
    expect(config.matcher.map(({ has }) => has[0].key)).toEqual(['next-action', 'content-type']);
  });
});
