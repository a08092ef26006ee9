/** Where sign-in sends the user afterwards: a path on this site, never another origin however it is disguised. */
import fc from 'fast-check';
import { localPath } from '@/dashboard/viewer';

jest.mock('next/headers', () => ({ cookies: jest.fn() }));
jest.mock('next/navigation', () => ({ redirect: jest.fn() }));

/** What a browser does with a Location header of `path` sent by http://a.example: it must stay there. */
function staysOnSite(path: string): boolean {
  return new URL(path, 'http://a.example').origin === 'http://a.example';
}

describe('localPath', () => {
  it.each([
    '/',
    '/predictions',
    '/predictions?modelId=sepsis&riskBand=HIGH',
    '/predictions/1b0e#result',
    '/models/heart-failure/predict',
  ])('keeps %p', (path) => {
    expect(localPath(path)).toBe(path);
  });

  it.each([
    ['a protocol-relative URL', '//evil.example/'],
    ['a backslash read as a slash', '/\\evil.example'],
    ['a tab browsers strip', '/\t/evil.example'],
    ['a newline', '/\n/evil.example'],
    ['an absolute URL', 'https://evil.example/'],
    ['a scheme', 'javascript:alert(1)'],
    ['a relative path', 'predictions'],
    ['nothing', undefined],
    ['a list', ['/a', '/b']],
    // Dot segments resolve to an empty first segment: the resolved path is protocol-relative.
    ['a parent segment before a double slash', '/..//evil.example'],
    ['a current segment before a double slash', '/.//x'],
    ['a segment and its parent before a double slash', '/a/..//x'],
    ['percent-encoded dot segments', '/%2e%2e//evil.example'],
    ['mixed-case encoded dot segments', '/.%2E//evil.example/path?q#h'],
  ])('sends %s to /', (_label, next) => {
    expect(localPath(next)).toBe('/');
  });

  it('resolves dot segments that stay on the site', () => {
    expect(localPath('/a/../predictions?modelId=sepsis')).toBe('/predictions?modelId=sepsis');
    expect(localPath('/%2e%2e/models')).toBe('/models');
  });

  // Pieces attackers combine: separators a browser may read as "/", dot segments plain and encoded,
  // characters browsers strip, and what makes an authority ("@", ":", a host).
  const piece = fc.constantFrom(
    '',
    '.',
    '..',
    '%2e',
    '%2E',
    '%2e%2e',
    '.%2e',
    '%2e.',
    '%2f',
    '%2F',
    '%5c',
    '\\',
    '/',
    '//',
    '\t',
    '\n',
    '\r',
    ' ',
    '@',
    ':',
    'evil.example',
    'user:pass@evil.example',
    'http:',
    'https:',
    'javascript:',
    '?',
    '#',
    '%00',
    '%09',
    'a',
    'predictions',
    '\u3002',
    '\uff0f',
  );
  const adversarialPath = fc
    .tuple(
      fc.constantFrom('/', '//', '/\\', '\\', '', '/./', '/../', 'http://evil.example/'),
      fc.array(fc.tuple(piece, fc.constantFrom('/', '\\', '//', '')), { maxLength: 8 }),
    )
    .map(([start, rest]) => start + rest.map(([p, sep]) => p + sep).join(''));

  it('answers "/" or a path with exactly one leading "/", no backslash, on this site, for any adversarial path', () => {
    fc.assert(
      fc.property(fc.oneof(adversarialPath, fc.string(), fc.string({ unit: 'grapheme' })), (next) => {
        const result = localPath(next);
        expect(result === '/' || (/^\/[^/\\]/.test(result) && !result.includes('\\'))).toBe(true);
        expect(staysOnSite(result)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('is idempotent: a path it answered is answered unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(adversarialPath, fc.string()), (next) => {
        const once = localPath(next);
        expect(localPath(once)).toBe(once);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps plain paths of ordinary segments as they are', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (segments) => {
        const path = `/${segments.join('/')}`;
        expect(localPath(path)).toBe(path);
      }),
    );
  });
});
