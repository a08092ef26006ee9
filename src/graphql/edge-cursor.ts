/** The cursor of one edge of a predictions page: the audit log's keyset position of that record. */

/**
 * The AuditLog interface hands out only a page's endCursor, but every Relay edge needs its own. Until the
 * audit module exports its encoder, this mirrors it: base64url of "<createdAt ISO>|<id>". A test checks
 * that the last edge's cursor equals the page's endCursor and that an edge's cursor continues after it.
 */
export function edgeCursor(record: { createdAt: Date; id: string }): string {
  return Buffer.from(`${record.createdAt.toISOString()}|${record.id}`, 'utf8').toString('base64url');
}
