import { MAX_BODY_BYTES, parseBody, refusalBody, refusalByHeaders, refuseBody } from '@/graphql/request-body';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the body refusals both servers apply before Apollo', () => {
  it('lets GET through untouched: its operation is in the query string', () => {
    expect(refusalByHeaders('GET', String(MAX_BODY_BYTES * 2), 'text/plain')).toBeNull();
  });

  it('refuses a POST whose declared length is over the limit (413) before reading it', () => {
    expect(refusalByHeaders('POST', String(MAX_BODY_BYTES + 1), 'application/json')).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(refusalByHeaders('POST', String(MAX_BODY_BYTES), 'application/json')).toBeNull();
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined])(
    'refuses a POST of content type %s with 415 naming what was sent',
    (type) => {
      expect(refusalByHeaders('POST', '10', type)).toEqual({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `send the operation as application/json; got ${type ?? 'no content type'}`,
      });
    },
  );

  it.each(['application/json', 'application/json; charset=utf-8', 'application/graphql-response+json'])(
    'accepts a POST of %s',
    (type) => expect(refusalByHeaders('POST', '10', type)).toBeNull(),
  );

  it('parses the bytes read, refusing broken JSON (400) and bytes past the limit (413)', () => {
    expect(parseBody(bytes('{"query":"{ __typename }"}'))).toEqual({ body: { query: '{ __typename }' } });
    expect(parseBody(bytes('{"query": '))).toMatchObject({ refusal: { status: 400, code: 'BAD_REQUEST' } });
    expect(parseBody(new Uint8Array(MAX_BODY_BYTES + 1))).toMatchObject({
      refusal: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  it('words a refusal as a GraphQL error with its code', () => {
    expect(JSON.parse(refusalBody({ status: 400, code: 'BAD_REQUEST', message: 'no' }))).toEqual({
      errors: [{ message: 'no', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('answers a Fetch request (the Next.js route) with the same refusals', async () => {
    const post = (body: string, type = 'application/json') =>
      refuseBody(new Request('http://x/api/graphql', { method: 'POST', headers: { 'content-type': type }, body }));
    expect(await post('{"query":"{ __typename }"}')).toBeNull();
    const broken = (await post('{'))!;
    expect(broken.status).toBe(400);
    expect((await broken.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect((await post('{}', 'text/plain'))!.status).toBe(415);
  });

  it('refuses a chunked body (no declared length) with 413 once it runs past the limit, reading no further', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const chunksToLimit = Math.ceil(MAX_BODY_BYTES / chunk.byteLength);
    let pulled = 0;
    const twiceTheLimit = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 2 * chunksToLimit) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const refused = await refuseBody(
      new Request('http://x/api/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: twiceTheLimit,
        duplex: 'half',
      } as RequestInit),
    );
    expect(refused!.status).toBe(413);
    expect((await refused!.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    // The stream's own queue may run a chunk or two ahead of the reader; the rest of the body is never read.
    expect(pulled).toBeLessThanOrEqual(chunksToLimit + 4);
  });
});
