/** Next.js configuration: server-only packages stay external so Node loads them as they are. */

/** @type {import('next').NextConfig} */
module.exports = {
  // type-graphql's optional class-validator import breaks bundling, and bundling graphql would load
  // two copies; onnxruntime-node, Prisma's adapters and PGlite carry native or WASM files.
  serverExternalPackages: [
    'type-graphql',
    'graphql',
    'graphql-scalars',
    '@apollo/server',
    'onnxruntime-node',
    'onnx-proto',
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/client',
    '@prisma/adapter-pg',
    'pg',
    'pino',
    'prom-client',
  ],
  reactStrictMode: true,
  poweredByHeader: false,
};
