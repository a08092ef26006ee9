/** Where sign-in sends the user afterwards: a path on this site, never another origin however it is disguised. */
import { localPath } from '@/ui/viewer';

jest.mock('next/headers', () => ({ cookies: jest.fn() }));
jest.mock('next/navigation', () => ({ redirect: jest.fn() }));
jest.mock('@/config/service-container', () => ({ services: jest.fn() }));

describe('localPath', () => {
  it.each(['/', '/predictions', '/predictions?modelId=sepsis&riskBand=HIGH', '/predictions/1b0e#result', '/models/heart-failure/predict'])('keeps %p', (path) => {
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
  ])('sends %s to /', (_label, next) => {
    expect(localPath(next)).toBe('/');
  });
});
