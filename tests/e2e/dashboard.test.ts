/**
 * The dashboard in headless Chromium against the app's server (`npm start`) on a fresh Postgres: for each model, predict
 * through the form and see the result and its chart, find the record in the audit list, open its detail,
 * export it as CSV; an out-of-range value is shown next to its field; the form works without JavaScript;
 * sign-in with an API key, what each role sees, and a forged cross-origin form refused; the ward board live (a replay,
 * an alert raised and acknowledged on a second board, a lost connection) and without JavaScript.
 * Every page visited leaves a screenshot in tests/artifacts/screenshots.
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import { percent } from '@/ui/format';
import { bearer, createKey, firstAdminKeyIn } from '../support/api-keys';
import { launchBrowser, saveScreenshot, SCREENSHOT_DIR, withJavaScriptDisabled, withPage } from '../support/browser';
import { buildApp, startApp, type RunningApp } from '../support/next-server';
import { npmRun } from '../support/npm-script';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../support/test-databases';

let database: PostgresTestDatabase;
let app: RunningApp;
let browser: Browser;
/** Keys made in the database before the server starts. */
const keys: Record<'ward7' | 'ward9' | 'auditor', { key: string; id: string }> = {} as never;
/** The cookies of a clinician (Ward 7) signed in through the form: most tests browse as this clinician. */
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

/** Signs in through /sign-in in `page` and waits for the page it returns to. */
async function signIn(page: Page, baseUrl: string, key: string, next = '/'): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.fill('#api-key', key);
  await Promise.all([page.waitForURL(`${baseUrl}${next}`), page.click('form.sign-in button[type=submit]')]);
}

beforeAll(async () => {
  database = await createMigratedPostgresDatabase('crc_e2e');
  keys.ward7 = await createKey({ databaseUrl: database.url }, 'clinician', 'Ward 7');
  keys.ward9 = await createKey({ databaseUrl: database.url }, 'clinician', 'Ward 9');
  keys.auditor = await createKey({ databaseUrl: database.url }, 'auditor', 'Audit office');
  await buildApp();
  app = await startApp({ DATABASE_URL: database.url });
  browser = await launchBrowser();
  const context = await browser.newContext();
  await signIn(await context.newPage(), app.url, keys.ward7.key);
  signedIn = await context.storageState();
  await context.close();
}, 300_000);

/** A page signed in as the Ward 7 clinician, in a context of its own. */
function asClinician<T>(use: (page: Page) => Promise<T>): Promise<T> {
  return withPage(browser, use, { storageState: signedIn });
}

function asClinicianWithoutJavaScript<T>(use: (page: Page) => Promise<T>): Promise<T> {
  return withJavaScriptDisabled(browser, use, { storageState: signedIn });
}

async function storedFor(patientRef: string): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (
      await client.query<{ n: number }>('SELECT count(*)::int AS n FROM prediction WHERE patient_ref = $1', [
        patientRef,
      ])
    ).rows[0].n;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
});

/** Valid values for each model's form: every required input and some optional ones left blank. */
const PATIENTS: Record<string, Record<string, string>> = {
  'heart-failure': { age: '75', ejection_fraction: '20', serum_creatinine: '1.9' },
  diabetes: {
    pregnancies: '2',
    glucose: '148',
    blood_pressure: '72',
    bmi: '33.6',
    diabetes_pedigree_function: '0.627',
    age: '50',
  },
  sepsis: {
    age: '68',
    gender: '1',
    iculos: '30',
    heart_rate: '118',
    resp_rate: '28',
    temperature: '38.9',
    sbp: '92',
    map: '65',
    lactate: '3.1',
  },
};

const runId = Date.now().toString(36);

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`#feature-${name}`);
    // A field in a collapsed group (sepsis laboratory values) is opened as a clinician would, by its summary.
    if (!(await field.isVisible())) await page.locator(`details:has(#feature-${name}) > summary`).click();
    // A binary input (sepsis gender) is a select of its codes.
    if ((await field.evaluate((element) => element.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
}

describe.each(Object.keys(PATIENTS))('the %s model in the browser', (modelId) => {
  const patientRef = `E2E-${modelId}-${runId}`;
  let recordId: string;
  let shownProbability: string;

  it('predicts through the form and shows the probability, risk band, decision and waterfall chart', async () => {
    await asClinician(async (page) => {
      await page.goto(`${app.url}/models/${modelId}/predict`);
      await fill(page, PATIENTS[modelId]);
      await page.fill('#patientRef', patientRef);
      await page.click('main button[type=submit]');
      const result = page.getByTestId('prediction-result');
      await result.waitFor({ timeout: 30_000 });
      shownProbability = (await result.locator('.probability').first().innerText()).trim();
      expect(shownProbability).toMatch(/^\d+\.\d+%$/);
      await expect(result.locator('.badge').first().innerText()).resolves.toMatch(/^(LOW|MODERATE|HIGH)$/);
      await expect(result.innerText()).resolves.toMatch(
        /\d+\.\d+% is (at or above|below) the decision threshold of \d+\.\d+%: (positive|negative)/,
      );
      const chart = result.locator('svg[role=img]').first();
      await expect(chart.isVisible()).resolves.toBe(true);
      await expect(chart.innerHTML()).resolves.toContain('log-odds');
      const link = result.locator('a[href^="/predictions/"]').first();
      recordId = (await link.getAttribute('href'))!.split('/').pop()!;
      expect(recordId).toMatch(/^[0-9a-f-]{36}$/);
      // The values typed stay in the form for a what-if.
      for (const [name, value] of Object.entries(PATIENTS[modelId]))
        await expect(page.inputValue(`#feature-${name}`)).resolves.toBe(value);
      await saveScreenshot(page, `predict-${modelId}`);
    });
  });

  it('finds the prediction in the audit list by patient and opens its detail', async () => {
    await asClinician(async (page) => {
      await page.goto(`${app.url}/predictions`);
      await page.fill('#filter-patientRef', patientRef);
      await page.selectOption('#filter-modelId', modelId);
      await page.click('form.filters button[type=submit]');
      await page.waitForURL(/patientRef=/);
      const rows = page.locator('[data-testid=audit-table] tbody tr');
      await expect(rows.count()).resolves.toBe(1);
      await expect(rows.first().innerText()).resolves.toContain(shownProbability);
      await saveScreenshot(page, `audit-list-${modelId}`);
      await rows.first().locator(`a[href="/predictions/${recordId}"]`).click();
      await page.waitForURL(`**/predictions/${recordId}`);
      const body = await page.locator('main').innerText();
      expect(body).toContain(recordId);
      expect(body).toContain(patientRef);
      expect(body).toMatch(/ONNX sha256\s+[0-9a-f]{64}/);
      expect(body).toContain(shownProbability);
      await expect(page.locator('main svg[role=img]').count()).resolves.toBeGreaterThan(0);
      await saveScreenshot(page, `audit-detail-${modelId}`);
    });
  });

  it('exports the filtered rows as CSV with the stored values', async () => {
    await asClinician(async (page) => {
      await page.goto(`${app.url}/predictions?patientRef=${encodeURIComponent(patientRef)}`);
      const href = await page.locator('a', { hasText: 'Export CSV' }).getAttribute('href');
      expect(href).toBe(`/predictions/export.csv?patientRef=${encodeURIComponent(patientRef)}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
      const text = await download.createReadStream().then(async (stream) => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      });
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row).toMatchObject({ id: recordId, model_id: modelId, patient_ref: patientRef });
      expect(percent(Number(row.probability))).toBe(shownProbability);
      const contributions = JSON.parse(row.contributions_log_odds_json) as { contribution: number }[];
      const logit = Math.log(Number(row.probability) / (1 - Number(row.probability)));
      expect(Number(row.base_value_log_odds) + contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(
        logit,
        4,
      );
    });
  });
});

describe('the predict form with bad input', () => {
  it('shows an out-of-range value next to its field, keeps the values and stores nothing', async () => {
    const patientRef = `E2E-bad-${runId}`;
    await asClinician(async (page) => {
      await page.goto(`${app.url}/models/heart-failure/predict`);
      await fill(page, { age: '200', ejection_fraction: '20', serum_creatinine: '1.9' });
      await page.fill('#patientRef', patientRef);
      await page.click('main button[type=submit]');
      const error = page.locator('#feature-age-error');
      await error.waitFor({ timeout: 30_000 });
      await expect(error.innerText()).resolves.toBe('200 is outside the allowed range 18 to 110 years');
      await expect(page.getAttribute('#feature-age', 'aria-invalid')).resolves.toBe('true');
      await expect(page.getAttribute('#feature-age', 'aria-describedby')).resolves.toContain('feature-age-error');
      await expect(page.inputValue('#feature-age')).resolves.toBe('200');
      await expect(page.inputValue('#feature-ejection_fraction')).resolves.toBe('20');
      await expect(page.getByTestId('prediction-result').count()).resolves.toBe(0);
      await saveScreenshot(page, 'predict-out-of-range');
      await page.goto(`${app.url}/predictions?patientRef=${patientRef}`);
      await expect(page.locator('main').innerText()).resolves.toContain('No records match these filters.');
    });
  });
});

describe('without JavaScript', () => {
  it('predicts through the server action, then compares a what-if with the previous answer', async () => {
    await asClinicianWithoutJavaScript(async (page) => {
      await page.goto(`${app.url}/models/heart-failure/predict`);
      await fill(page, { age: '75', ejection_fraction: '20', serum_creatinine: '1.9' });
      await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
      await page.getByTestId('prediction-result').waitFor({ timeout: 30_000 });
      const before = await page.locator('.probability').first().innerText();
      await page.fill('#feature-ejection_fraction', '55');
      await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
      await page.getByRole('heading', { name: 'Before' }).waitFor({ timeout: 30_000 });
      const [was, now] = await page.locator('.probability').allInnerTexts();
      expect(was).toBe(before);
      expect(parseFloat(now)).toBeLessThan(parseFloat(was));
      await expect(page.locator('tr.changed').first().innerText()).resolves.toContain('Ejection fraction');
      await saveScreenshot(page, 'predict-what-if-no-js');
    });
  });

  it.each(['/', '/models/sepsis', '/models/diabetes', '/models/heart-failure', '/predictions'])(
    'renders %s with its charts and tables',
    async (path) => {
      await asClinicianWithoutJavaScript(async (page) => {
        const response = await page.goto(`${app.url}${path}`);
        expect(response?.status()).toBe(200);
        await expect(page.locator('h1').first().innerText()).resolves.not.toBe('');
        if (path.startsWith('/models/')) {
          // ROC, calibration and importance, each with an accessible name.
          const charts = page.locator('main svg[role=img]');
          await expect(charts.count()).resolves.toBeGreaterThanOrEqual(3);
          for (const chart of await charts.all())
            await expect(chart.getAttribute('aria-labelledby')).resolves.toBeTruthy();
        }
        await saveScreenshot(page, `page${path === '/' ? '-overview' : path.replace(/\//g, '-')}`);
      });
    },
  );

  it('shows the not-found state for an unknown model or record, and 404 for an unknown address', async () => {
    await asClinicianWithoutJavaScript(async (page) => {
      // Shown by the page itself (status 200): Next.js 16.4 serves notFound() as an empty body without JavaScript.
      for (const path of [
        '/models/cancer',
        '/models/cancer/predict',
        '/predictions/00000000-0000-4000-8000-000000000000',
        '/predictions/not-a-uuid',
      ]) {
        await page.goto(`${app.url}${path}`);
        await expect(page.locator('h1').first().innerText()).resolves.toBe('Not found');
        await expect(page.locator('main').innerText()).resolves.toMatch(
          /There is no (model|audit record) at this address/,
        );
      }
      const response = await page.goto(`${app.url}/no/such/page`);
      expect(response?.status()).toBe(404);
      await expect(page.locator('h1').first().innerText()).resolves.toBe('Not found');
      await saveScreenshot(page, 'not-found');
    });
  });
});

describe('signing in, roles and forged forms', () => {
  it('sends a visitor to sign in and back, refuses a wrong key next to the field, and signs out, all without JavaScript', async () => {
    await withJavaScriptDisabled(browser, async (page) => {
      await page.goto(`${app.url}/predictions?modelId=sepsis`);
      expect(page.url()).toBe(`${app.url}/sign-in?next=${encodeURIComponent('/predictions?modelId=sepsis')}`);
      await page.fill('#api-key', `crc_${'x'.repeat(43)}`);
      await Promise.all([page.waitForLoadState('load'), page.click('form.sign-in button[type=submit]')]);
      await expect(page.locator('#api-key-error').innerText()).resolves.toBe(
        'That key is not valid: it is unknown or has been revoked.',
      );
      await expect(page.getAttribute('#api-key', 'aria-invalid')).resolves.toBe('true');
      await saveScreenshot(page, 'sign-in-refused');
      await page.fill('#api-key', keys.ward9.key);
      await Promise.all([
        page.waitForURL(`${app.url}/predictions?modelId=sepsis`),
        page.click('form.sign-in button[type=submit]'),
      ]);
      await expect(page.locator('header .viewer').innerText()).resolves.toMatch(/Signed in as Ward 9\s+\(clinician\)/);
      const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'crc_session');
      // Scripts cannot read it, and no other site's form or request carries it.
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie.value).not.toContain(keys.ward9.key);
      await Promise.all([page.waitForURL(`${app.url}/sign-in`), page.click('header .viewer button[type=submit]')]);
      await page.goto(`${app.url}/predictions`);
      expect(page.url()).toBe(`${app.url}/sign-in?next=${encodeURIComponent('/predictions')}`);
    });
  });

  it("shows a clinician only its own records: another clinician's are absent from the list, the export and the detail", async () => {
    const patientRef = `E2E-ward9-${runId}`;
    let recordId = '';
    await withPage(browser, async (page) => {
      await signIn(page, app.url, keys.ward9.key, '/models/heart-failure/predict');
      await fill(page, PATIENTS['heart-failure']);
      await page.fill('#patientRef', patientRef);
      await page.click('main button[type=submit]');
      const link = page.getByTestId('prediction-result').locator('a[href^="/predictions/"]').first();
      await link.waitFor({ timeout: 30_000 });
      recordId = (await link.getAttribute('href'))!.split('/').pop()!;
    });
    await asClinician(async (page) => {
      await page.goto(`${app.url}/predictions?patientRef=${patientRef}`);
      await expect(page.locator('main').innerText()).resolves.toContain('No records match these filters.');
      await page.goto(`${app.url}/predictions/${recordId}`);
      await expect(page.locator('h1').first().innerText()).resolves.toBe('Not found');
      const csv = await page.request.get(`${app.url}/predictions/export.csv?patientRef=${patientRef}`);
      expect((parse(await csv.text(), { columns: true }) as unknown[]).length).toBe(0);
    });
    await withPage(browser, async (page) => {
      await signIn(page, app.url, keys.auditor.key, `/predictions/${recordId}`);
      await expect(page.locator('main').innerText()).resolves.toMatch(/Requested by\s+Ward 9 \(clinician key crc_/);
      await saveScreenshot(page, 'audit-detail-as-auditor');
    });
  });

  it('lets an auditor read every record but not predict', async () => {
    await withPage(browser, async (page) => {
      await signIn(page, app.url, keys.auditor.key, '/models/diabetes/predict');
      await expect(page.locator('main [role=alert]').innerText()).resolves.toContain(
        'the auditor role may not make predictions',
      );
      await expect(page.locator('#feature-glucose').count()).resolves.toBe(0);
      await page.goto(`${app.url}/predictions`);
      await expect(page.locator('[data-testid=audit-table] tbody tr').count()).resolves.toBeGreaterThan(0);
      await saveScreenshot(page, 'predict-refused-auditor');
    });
  });

  it('refuses the predict form posted from another origin, though the browser sends the session cookie along, and stores nothing', async () => {
    const patientRef = `E2E-forged-${runId}`;
    // The form exactly as the dashboard serves it (without JavaScript: its hidden action fields), filled in.
    const fields = await asClinicianWithoutJavaScript(async (page) => {
      await page.goto(`${app.url}/models/heart-failure/predict`);
      return page
        .locator('form')
        .last()
        .evaluate((form: HTMLFormElement) =>
          Array.from(form.querySelectorAll('input')).map((input): [string, string] => [input.name, input.value]),
        );
    });
    const values = { ...Object.fromEntries(fields), ...PATIENTS['heart-failure'], patientRef };
    const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const inputs = Object.entries(values)
      .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
      .join('');
    // Another origin on the same host: same-site, so the Lax cookie does go with the post; only the
    // Origin check (Next.js server actions) stands between this page and a stored prediction.
    const attacker: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(
        `<form id="f" method="post" enctype="multipart/form-data" action="${app.url}/models/heart-failure/predict">${inputs}</form><script>f.submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = attacker.address() as { port: number };
      await asClinician(async (page) => {
        const posted = page.waitForResponse(
          (r) => r.url() === `${app.url}/models/heart-failure/predict` && r.request().method() === 'POST',
        );
        await page.goto(`http://127.0.0.1:${port}/`);
        const response = await posted;
        expect(response.request().headers().cookie ?? (await response.request().allHeaders()).cookie).toContain(
          'crc_session=',
        );
        expect(response.status()).toBeGreaterThanOrEqual(400);
      });
      expect(await storedFor(patientRef)).toBe(0);
      // The same fields posted from the dashboard's own origin do predict: the refusal above was the origin's.
      const cookie = signedIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const body = new FormData();
      for (const [name, value] of Object.entries(values)) body.set(name, value);
      const own = await fetch(`${app.url}/models/heart-failure/predict`, {
        method: 'POST',
        body,
        headers: { cookie, origin: app.url },
        redirect: 'manual',
      });
      expect(own.status).toBe(200);
      expect(await storedFor(patientRef)).toBe(1);
    } finally {
      attacker.close();
    }
  });
});

describe('the quick start: dashboard and API in one process on the embedded database', () => {
  let dataDir: string;
  let embedded: RunningApp;
  /** Printed once by the server on its first start (the README's quick start). */
  let adminKey: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crc-e2e-pglite-'));
    embedded = await startApp({ DATA_DIR: join(dataDir, 'pglite'), DATABASE_URL: '' });
    const deadline = Date.now() + 10_000;
    while (!/crc_\w/.test(embedded.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    adminKey = firstAdminKeyIn(embedded.output());
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows in the dashboard what the API stored, and answers through the API what the dashboard stored', async () => {
    const patientRef = `E2E-embedded-${runId}`;
    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${embedded.url}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(adminKey) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    };
    const stored = await graphql('mutation($input: PredictInput!) { predict(input: $input) { id } }', {
      input: {
        modelId: 'heart-failure',
        patientRef,
        features: [
          { name: 'age', value: 75 },
          { name: 'ejection_fraction', value: 20 },
          { name: 'serum_creatinine', value: 1.9 },
        ],
      },
    });
    expect(stored.errors).toBeUndefined();
    await withPage(browser, async (page) => {
      // The same key signs in to the dashboard.
      await signIn(page, embedded.url, adminKey, `/predictions?patientRef=${patientRef}`);
      await expect(page.locator('[data-testid=audit-table] tbody tr').count()).resolves.toBe(1);
      await page.goto(`${embedded.url}/models/heart-failure/predict`);
      await fill(page, PATIENTS['heart-failure']);
      await page.fill('#patientRef', patientRef);
      await page.click('main button[type=submit]');
      await page.getByTestId('prediction-result').waitFor({ timeout: 30_000 });
      await saveScreenshot(page, 'predict-embedded');
    });
    const listed = await graphql('query($filter: PredictionFilter) { predictions(filter: $filter) { totalCount } }', {
      filter: { patientRef },
    });
    expect(listed).toEqual({ data: { predictions: { totalCount: 2 } } });
  });
});

describe('the ward board', () => {
  const graphql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${app.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(keys.ward7.key) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data as Record<string, unknown>;
  };
  const unit = `e2e-${runId}`;
  const stayRef = `e2e-ward-${runId}`;
  /** Hours recorded one at a time, each timed from its mutation's answer to the board showing it. */
  const LATENCY_HOURS = 20;
  const percentileOf = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
  const admittedAt = new Date(Date.now() - (LATENCY_HOURS + 1) * 3600_000);
  const at = (hour: number) => new Date(admittedAt.getTime() + (hour * 60 - 20) * 60_000).toISOString();
  const vitals = (hour: number, over: Record<string, number> = {}) =>
    Object.entries({
      HR: 78,
      Resp: 15,
      O2Sat: 97,
      SBP: 124,
      Temp: 36.9,
      Consciousness: 0,
      SupplementalO2: 0,
      ...over,
    }).map(([name, value]) => ({ name, time: at(hour), value, id: `${stayRef}/${hour}/${name}` }));
  const record = (hour: number, over: Record<string, number> = {}) =>
    graphql(
      'mutation($input: RecordObservationsInput!) { recordObservations(input: $input) { stored alertsRaised { id kind } } }',
      { input: { stayRef, observations: vitals(hour, over) } },
    );
  const row = (page: Page) => page.locator(`tr[data-stay-ref="${stayRef}"]`);
  /** Ends the server's LISTEN connection from Postgres, as a database failover would. */
  const dropListeners = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
      );
    } finally {
      await client.end();
    }
  };

  it('shows a replay, stays arriving and changing without a reload, an alert, and its acknowledgement on a second board', async () => {
    const contexts = await Promise.all([1, 2].map(() => browser.newContext({ storageState: signedIn })));
    try {
      const [board, second] = await Promise.all(contexts.map((c) => c.newPage()));
      for (const page of [board, second]) {
        await page.goto(`${app.url}/ward?unit=${unit}`);
        await page.getByText('Live: rows update as observations arrive.').waitFor();
      }
      await expect(board.getByText(`No active stays on ${unit}.`).isVisible()).resolves.toBe(true);
      await saveScreenshot(board, 'ward-no-data');

      // A replay of 5 set-A stays at high speed, watched on the board of every unit: rows appear and fill in.
      const all = await contexts[0].newPage();
      await all.goto(`${app.url}/ward`);
      await all.getByText('Live: rows update as observations arrive.').waitFor();
      // Every stay row the page ever shows, and a mark a reload would wipe.
      await all.evaluate(() => {
        const seen = new Set<string>();
        Object.assign(window, { seen, notReloaded: true });
        new MutationObserver(() =>
          document.querySelectorAll<HTMLElement>('tr[data-stay-ref]').forEach((r) => seen.add(r.dataset.stayRef ?? '')),
        ).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const replayed = await npmRun(
        'replay',
        ['--patients', '5', '--speed', '36000', '--via', 'graphql', '--url', app.url, '--key', keys.ward7.key],
        {},
        180_000,
      );
      expect(replayed.code).toBe(0);
      // Discharged after their last hour, the replay's stays leave the board again: each appeared, none is left.
      await all.waitForFunction(() => document.querySelectorAll('tr[data-stay-ref]').length === 0, null, {
        timeout: 30_000,
      });
      const seen = await all.evaluate(() => {
        const w = window as unknown as { seen: Set<string>; notReloaded?: boolean };
        return { stays: w.seen.size, notReloaded: w.notReloaded === true };
      });
      expect(seen).toEqual({ stays: 5, notReloaded: true });

      await graphql('mutation($input: AdmitStayInput!) { admitStay(input: $input) { stayRef } }', {
        input: { stayRef, patientRef: `E2E-ward-${runId}`, unit, admittedAt: admittedAt.toISOString() },
      });
      await Promise.all([board, second].map((page) => row(page).waitFor()));
      // Each hour's assessment reaches both boards without a reload; how long it takes is recorded, not asserted.
      const latencies: number[] = [];
      for (let hour = 1; hour <= LATENCY_HOURS; hour++) {
        const stored = Date.now();
        await record(hour, { HR: 78 + (hour % 3) });
        await row(board).getByText(`assessed to hour ${hour}`).waitFor();
        latencies.push(Date.now() - stored);
      }
      writeFileSync(
        join(SCREENSHOT_DIR, '..', 'ward-live-latency.json'),
        JSON.stringify(
          {
            what: 'ms from the mutation answered (its hour stored) to the row showing that hour, on a board in Chromium',
            latencies,
            p50: percentileOf(latencies, 50),
            p95: percentileOf(latencies, 95),
          },
          null,
          2,
        ),
      );
      await expect(row(board).innerText()).resolves.toMatch(new RegExp(`HR ${78 + (LATENCY_HOURS % 3)} /min`));
      await saveScreenshot(board, 'ward-normal');

      // RR 26 scores 3 on its own: a NEWS2 alert, on both boards.
      const raised = (await record(LATENCY_HOURS + 1, { Resp: 26 })) as unknown as {
        recordObservations: { alertsRaised: { kind: string }[] };
      };
      expect(raised.recordObservations.alertsRaised.map((a) => a.kind)).toEqual(['NEWS2']);
      for (const page of [board, second]) await row(page).getByText('Alert: NEWS2').waitFor();
      await saveScreenshot(board, 'ward-alert');

      // The row leads to the stay: its course charts, the latest hour explained (the sum checked from the page's own
      // figures), and the alert acknowledged there with a note, which clears the badge on the second board.
      await Promise.all([
        board.waitForURL(`${app.url}/stays/${stayRef}`),
        row(board).getByRole('link').first().click(),
      ]);
      await expect(board.locator('svg[role=img]').count()).resolves.toBeGreaterThan(3);
      const arithmetic = board.locator('p.arithmetic').first();
      await expect(arithmetic.getAttribute('data-agrees')).resolves.toBe('true');
      const sum =
        /base ([−+±][\d.]+) \+ Σ contributions ([−+±][\d.]+) = ([−+±][\d.]+) log-odds = logit\(([\d.]+)%\)/.exec(
          await arithmetic.innerText(),
        );
      const number = (text: string) => Number(text.replace('−', '-').replace('±', ''));
      expect(sum).not.toBeNull();
      const [base, contributions, output, percentStated] = (sum as RegExpExecArray).slice(1).map(number);
      expect(Math.abs(base + contributions - output)).toBeLessThanOrEqual(0.0015);
      const p = percentStated / 100;
      expect(Math.abs(Math.log(p / (1 - p)) - output)).toBeLessThanOrEqual(0.01);
      await saveScreenshot(board, 'stay-alert');
      await board.getByLabel('Note for acknowledging (required)').fill('seen at the bedside, reassessing in 30 min');
      await board.getByRole('button', { name: 'Acknowledge' }).click();
      await row(second).getByText('Acknowledged: NEWS2').waitFor();
      await expect(row(second).getByText('Alert: NEWS2').count()).resolves.toBe(0);
      await saveScreenshot(second, 'ward-acknowledged');
      await board.locator('li.alert[data-state="acknowledged"]').waitFor();
      await saveScreenshot(board, 'stay-acknowledged');
      // The stay page before any alert (an hour with nothing wrong), and before any observation.
      await board.goto(`${app.url}/stays/${stayRef}?hour=2`);
      await saveScreenshot(board, 'stay-normal-hour');
      const empty = `${stayRef}-empty`;
      await graphql('mutation($input: AdmitStayInput!) { admitStay(input: $input) { stayRef } }', {
        input: { stayRef: empty, patientRef: `E2E-ward-${runId}-2`, unit, admittedAt: new Date().toISOString() },
      });
      await board.goto(`${app.url}/stays/${empty}`);
      await expect(board.locator('h1').innerText()).resolves.toBe(`Stay ${empty}`);
      await saveScreenshot(board, 'stay-no-data');
      await board.goto(`${app.url}/ward?unit=${unit}`);
      await board.getByText('Live: rows update as observations arrive.').waitFor();

      // The connection lost: the server's listening connection dropped (its subscriptions end with an error) while the
      // browser is offline (so the retries fail too). The board says so and retries; back online, it is live again.
      await contexts[0].setOffline(true);
      await dropListeners();
      await board.getByText(/Live updates lost; retrying/).waitFor({ timeout: 30_000 });
      await saveScreenshot(board, 'ward-lost-connection');
      await contexts[0].setOffline(false);
      await board.getByText('Live: rows update as observations arrive.').waitFor({ timeout: 30_000 });
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  }, 300_000);

  it('renders complete without JavaScript, saying when it was rendered', async () => {
    await asClinicianWithoutJavaScript(async (page) => {
      await page.goto(`${app.url}/ward?unit=${unit}`);
      await expect(page.locator('.ward-as-of').innerText()).resolves.toMatch(
        /^As of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/,
      );
      await expect(page.getByText('Not updating live (live updates need JavaScript)').isVisible()).resolves.toBe(true);
      await expect(row(page).getByText('Acknowledged: NEWS2').isVisible()).resolves.toBe(true);
      const label = await row(page).locator('svg.sparkline').getAttribute('aria-label');
      expect(label).toMatch(
        new RegExp(`^Sepsis risk from [\\d.]+% at hour 1 to [\\d.]+% at hour ${LATENCY_HOURS + 1}; threshold [\\d.]+%`),
      );
      await saveScreenshot(page, 'ward-no-javascript');
      // The stay page too: its charts named, the hour's sum stated and agreeing, without a line of JavaScript.
      await page.goto(`${app.url}/stays/${stayRef}`);
      const charts = await page
        .locator('svg[role=img]')
        .evaluateAll((svgs) =>
          svgs.map((svg) => svg.getAttribute('aria-label') ?? svg.getAttribute('aria-labelledby') ?? ''),
        );
      expect(charts.length).toBeGreaterThan(3);
      expect(charts.every((name) => name.length > 0)).toBe(true);
      await expect(page.locator('p.arithmetic').first().getAttribute('data-agrees')).resolves.toBe('true');
      await saveScreenshot(page, 'stay-no-javascript');
    });
  });
});
