/** The home page: the shipped models with their headline metrics, read in-process from the registry. */
import { modelRegistry } from '@/config/service-container';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const models = await (await modelRegistry()).list();
  return (
    <main>
      <h1>Clinical Risk Console</h1>
      <p>
        Validated clinical risk models, each answer explained feature by feature. Programs use the GraphQL API at{' '}
        <code>/api/graphql</code>; the dashboard pages are being built.
      </p>
      <table>
        <caption>Shipped models (out-of-fold AUROC with 95% interval)</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Version</th>
            <th scope="col">Outcome</th>
            <th scope="col">AUROC</th>
          </tr>
        </thead>
        <tbody>
          {models.map(({ card }) => {
            const { estimate, lower, upper } = card.evaluation.gbdt.auroc;
            return (
              <tr key={card.id}>
                <td>{card.name}</td>
                <td>{card.version}</td>
                <td>{card.outcome}</td>
                <td>
                  {estimate.toFixed(3)} ({lower.toFixed(3)}–{upper.toFixed(3)})
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </main>
  );
}
