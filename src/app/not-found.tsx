/** Shown when there is no such page. */
import { NotFound } from '@/ui/route-states';

export default function NotFoundState() {
  return <NotFound what="page" back={{ href: '/', label: 'Back to the overview' }} />;
}
