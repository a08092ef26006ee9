/** The alert-event chain: each link's hash covers the previous hash and the event; any change breaks the walk. */
import { createHash } from 'node:crypto';
import { GENESIS_HASH } from '@/audit/audit-chain';
import { alertEventHash, brokenAlertLinks, type ChainedAlertEvent } from '@/monitoring/alert-chain';

function chain(n: number): ChainedAlertEvent[] {
  const events: ChainedAlertEvent[] = [];
  let previousHash = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const link = {
      id: `00000000-0000-4000-8000-00000000000${i}`,
      sequence: i,
      alertId: '11111111-1111-4111-8111-111111111111',
      fromState: i === 1 ? null : ('open' as const),
      toState: i === 1 ? ('open' as const) : ('acknowledged' as const),
      actor: 'nurse',
      note: `note ${i}`,
      at: new Date(Date.UTC(2026, 2, 1, 8, i)),
    };
    const hash = alertEventHash(previousHash, link);
    events.push({ ...link, previousHash, hash });
    previousHash = hash;
  }
  return events;
}

describe('the alert-event chain', () => {
  it('hashes the previous hash, a newline and the canonical content (keys sorted, no whitespace)', () => {
    const [first] = chain(1);
    const canonical =
      '{"actor":"nurse","alertId":"11111111-1111-4111-8111-111111111111","at":"2026-03-01T08:01:00.000Z","fromState":null,' +
      '"id":"00000000-0000-4000-8000-000000000001","note":"note 1","sequence":1,"toState":"open"}';
    expect(first.hash).toBe(createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`).digest('hex'));
  });

  it('walks an intact chain clean and names the first changed, removed or reordered link', () => {
    const events = chain(4);
    expect(brokenAlertLinks(events)).toEqual([]);
    const changed = events.map((e) => (e.sequence === 2 ? { ...e, note: 'edited' } : e));
    expect(brokenAlertLinks(changed)).toEqual([2]);
    expect(brokenAlertLinks([events[0], events[2], events[3]])).toContain(3);
  });
});
