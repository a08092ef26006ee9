/**
 * Server actions over HTTP against the app's server (`npm start`): a forged cross-origin action is refused with 403 and a
 * broken form body with 400, neither logging an error; a real sign-in, with or without JavaScript,
 * still works; and signing in never redirects off the site, whatever `next` says.
 */
import { createKey } from '../../support/api-keys';
import { buildApp, startApp, type RunningApp } from '../../support/next-server';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

let app: RunningApp;
let database: PostgresTestDatabase;
let key: string;

beforeAll(async () => {
  await buildApp();
  database = await createMigratedPostgresDatabase('crc_actions');
  key = (await createKey({ databaseUrl: database.url }, 'clinician')).key;
  app = await startApp({ DATABASE_URL: database.url });
}, 300_000);
afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

const unescape = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The hidden inputs of the first form in `html` whose opening tag matches `opening`, as a browser without JavaScript
 * posts them.
 */
function hiddenFields(html: string, opening: RegExp): FormData {
  const start = html.search(opening);
  if (start < 0) throw new Error(`no form matching ${opening} in:\n${html.slice(0, 2000)}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields = new FormData();
  for (const [input] of form.matchAll(/<input [^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input)![1];
    fields.append(unescape(name), unescape(/value="([^"]*)"/.exec(input)?.[1] ?? ''));
  }
  return fields;
}

/** The sign-in form as /sign-in?next=… renders it, filled in with `key`. */
async function signInForm(next = '/'): Promise<FormData> {
  const page = await fetch(`${app.url}/sign-in?next=${encodeURIComponent(next)}`);
  const form = hiddenFields(await page.text(), /<form class="sign-in"/);
  form.set('key', key);
  return form;
}

/** The sign-in action's id, as the page embeds it for the client router. */
async function signInActionId(): Promise<string> {
  const html = await (await fetch(`${app.url}/sign-in`)).text();
  return /&quot;id&quot;:&quot;([0-9a-f]+)&quot;/.exec(html)![1];
}

async function post(path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { origin: app.url, ...headers },
  });
}

const sessionCookie = (response: Response) => /crc_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];

/** What the server printed while `run` ran. */
async function outputDuring(run: () => Promise<void>): Promise<string> {
  const before = app.output().length;
  await run();
  await new Promise((r) => setTimeout(r, 200)); // the log line of a failed request may trail its answer
  return app.output().slice(before);
}

describe('a real sign-in', () => {
  it('works without JavaScript: a same-origin multipart post answers 303 to `next` with a session cookie', async () => {
    const response = await post('/sign-in', await signInForm('/predictions?modelId=sepsis'));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/predictions?modelId=sepsis');
    const cookie = sessionCookie(response);
    expect(cookie).toBeDefined();
    const page = await fetch(`${app.url}/predictions`, { headers: { cookie: cookie! }, redirect: 'manual' });
    expect(page.status).toBe(200);
  });

  it('works from the client router: a same-origin next-action post runs (signing out through the page’s form)', async () => {
    const cookie = sessionCookie(await post('/sign-in', await signInForm()))!;
    const html = await (await fetch(`${app.url}/models/heart-failure`, { headers: { cookie } })).text();
    const signOutId = /name="\$ACTION_ID_([0-9a-f]+)"/.exec(html)![1];
    const response = await post('/models/heart-failure', '[]', {
      cookie,
      'next-action': signOutId,
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
    });
    // The client router is told where to go in a header, with the next page's payload (200).
    expect(response.status).toBe(200);
    expect(response.headers.get('x-action-redirect')).toMatch(/^\/sign-in/);
    const after = await fetch(`${app.url}/predictions`, { headers: { cookie }, redirect: 'manual' });
    expect(after.headers.get('location') ?? '').toMatch(/^\/sign-in/);
  });

  it.each(['/..//evil.example', '/.//evil.example', '/a/..//evil.example', '/%2e%2e//evil.example'])(
    'never redirects off the site: next=%p answers 303 to /',
    async (next) => {
      const form = await signInForm();
      form.set('next', next); // as posted by hand, not as the page (which already cleans it) renders it
      const response = await post('/sign-in', form);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
      const page = await (await fetch(`${app.url}/sign-in?next=${encodeURIComponent(next)}`)).text();
      expect(page).toContain('<input type="hidden" name="next" value="/"/>');
    },
  );
});

describe('a forged or broken action post', () => {
  it('from another origin answers 403 FORBIDDEN, with or without a next-action header, and logs no error', async () => {
    const actionId = await signInActionId();
    const replies: Response[] = [];
    const output = await outputDuring(async () => {
      replies.push(
        await post('/sign-in', '[{"error":null},"$K1"]', {
          origin: 'https://evil.example',
          'next-action': actionId,
          'content-type': 'text/plain;charset=UTF-8',
        }),
      );
      replies.push(await post('/sign-in', await signInForm(), { origin: 'https://evil.example' }));
      replies.push(await post('/sign-in', await signInForm(), { origin: 'null' }));
    });
    for (const reply of replies) {
      expect(reply.status).toBe(403);
      expect(sessionCookie(reply)).toBeUndefined();
      expect(await reply.text()).toMatch(
        /^FORBIDDEN: server action refused: its Origin \((evil\.example|null)\) is not this site/,
      );
    }
    expect(output).not.toMatch(/Error|⨯|Aborting the action/);
  });

  it.each([
    ['a body that is not multipart', { 'content-type': 'multipart/form-data; boundary=xyz' }, 'this is not multipart'],
    ['a multipart type without a boundary', { 'content-type': 'multipart/form-data' }, '--xyz--\r\n'],
    [
      'a broken body from the client router',
      {
        'content-type': 'multipart/form-data; boundary=xyz',
        'next-action': '60d4c5bd0ec3e813acc892c38fb59922e826754e83',
      },
      'garbage',
    ],
  ])('with %s answers 400 BAD_REQUEST and logs no error', async (_label, headers, body) => {
    let reply: Response | undefined;
    const output = await outputDuring(async () => {
      reply = await post('/sign-in', body, headers);
    });
    expect(reply!.status).toBe(400);
    expect(await reply!.text()).toMatch(/^BAD_REQUEST: server action refused: /);
    expect(output).not.toMatch(/Error|⨯/);
  });

  it('leaves the GraphQL route alone, whatever headers it carries', async () => {
    const response = await post('/api/graphql', JSON.stringify({ query: '{ __typename }' }), {
      origin: 'https://evil.example',
      'next-action': 'x',
      'content-type': 'application/json',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
