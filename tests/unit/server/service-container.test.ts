/**
 * The process's one set of services: under `npm start` the server's own code (run by Node through tsx) and Next.js's
 * bundles each load src/server/service-container.ts, and must share one build (one Prisma pool, one registry).
 */
type Container = typeof import('@/server/service-container');

function freshCopy(): Container {
  let copy!: Container;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('@/server/service-container');
  });
  return copy;
}

describe('the service container', () => {
  it('hands every copy of its module the same services, database and registry', () => {
    const [server, bundle] = [freshCopy(), freshCopy()];
    expect(server).not.toBe(bundle);
    expect(bundle.services).toBe(server.services);
    expect(bundle.database).toBe(server.database);
    expect(bundle.modelRegistry).toBe(server.modelRegistry);
  });

  it('closes nothing, and builds nothing, when nothing was built', async () => {
    const container = freshCopy();
    await container.shutdownServices();
    expect(container.services.started()).toBeNull();
    expect(container.database.started()).toBeNull();
  });
});
