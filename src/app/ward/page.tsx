/**
 * The ward board: every active stay, most urgent first, complete as of its rendering without JavaScript and kept live
 * over the GraphQL SSE subscription where JavaScript runs.
 */
import { loadWardBoard, wardUnit } from '@/dashboard/ward';
import { requireViewer } from '@/dashboard/viewer';
import { services } from '@/server/service-container';
import { utcTime } from '@/ui/format';
import { WardLive } from '@/ui/ward/ward-live';
import { WardTable } from '@/ui/ward/ward-table';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Ward — Clinical Risk Console' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function WardPage({ searchParams }: { searchParams: SearchParams }) {
  const unit = wardUnit((await searchParams).unit);
  const viewer = await requireViewer(services, unit ? `/ward?unit=${encodeURIComponent(unit)}` : '/ward');
  const board = await loadWardBoard(await services(), viewer, unit);
  return (
    <>
      <h1>{unit ? `Ward ${unit}` : 'Ward board'}</h1>
      <p className="lead">
        Every active stay, most urgent first. NEWS2 and qSOFA are those of the latest assessed hour; a partial score
        names what is missing and is never counted as normal.
      </p>
      <nav aria-label="Units" className="ward-units">
        <a href="/ward" aria-current={unit === null ? 'page' : undefined}>
          All units
        </a>
        {board.units.map((u) => (
          <a key={u} href={`/ward?unit=${encodeURIComponent(u)}`} aria-current={u === unit ? 'page' : undefined}>
            {u}
          </a>
        ))}
      </nav>
      <p className="ward-as-of">
        As of <time dateTime={board.readAt.toISOString()}>{utcTime(board.readAt)}</time>.
      </p>
      <WardLive unit={unit} renderedAt={board.readAt.toISOString()} />
      <WardTable board={board} />
    </>
  );
}
