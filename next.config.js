/** Next.js configuration: server-only packages stay external so Node loads them as they are. */

/** @type {import('next').NextConfig} */
module.exports = {
  // type-graphql's optional class-validator import breaks bundling, and bundling graphql would load
  // two copies (graphql-armor too: it requires graphql, so it loads the one copy); onnxruntime-node, Prisma's adapters and PGlite carry native or WASM files.
  // ucum-lhc reads its unit tables from JSON files beside its code; graphql-sse must share the one graphql.
  // piscina starts its worker threads from its own files (src/prediction/explain-pool.ts).
  serverExternalPackages: [
    'type-graphql',
    'graphql',
    'graphql-scalars',
    '@apollo/server',
    '@escape.tech/graphql-armor',
    'onnxruntime-node',
    'onnx-proto',
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/client',
    '@prisma/adapter-pg',
    'pg',
    'pino',
    'prom-client',
    '@lhncbc/ucum-lhc',
    'graphql-sse',
    'piscina',
  ],
  // Error classes take their names from their constructors and are recognised across chunks by them
  // (src/errors/coded-error.ts): minified, two classes could both be called `E`. Readable stack traces too.
  experimental: { serverMinification: false },
  reactStrictMode: true,
  poweredByHeader: false,
};
