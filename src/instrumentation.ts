/** Next.js calls `register` once when the server starts: it starts the services (src/server/startup.ts). */
export async function register(): Promise<void> {
  // Next.js compiles this file for the Edge runtime too, and inlines NEXT_RUNTIME at build time: the
  // guard, with the import behind it, keeps the Node-only services (onnxruntime, the databases,
  // process.exit) out of the Edge bundle. Not a setting, so not read through config/environment.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServices } = await import('@/server/startup');
  await startServices();
}
