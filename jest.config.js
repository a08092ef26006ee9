/** Unit tests run on swc; the host's typed-array constructors are passed into jest's sandbox
 *  because onnxruntime-node checks `instanceof Float32Array` against its own realm. */
module.exports = {
  testEnvironment: '<rootDir>/tests/support/node-environment.js',
  globalSetup: '<rootDir>/tests/support/link-data.js',
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // .swcrc is for .ts; components need the TSX parser and React's automatic runtime.
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
    // PGlite's CommonJS build loads Node built-ins with import(), which jest's sandbox runs only under
    // --experimental-vm-modules; compiled to require() it runs in every jest invocation without flags.
    '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': [
      '@swc/jest',
      { swcrc: false, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // Generous, since timeouts measure nothing (speed targets live in the benchmarks): on a slow day of the shared 2-core
  // machines (2026-12-05, the whole run 1,723 s against 615 s the day before) hooks and tests that take 60–110 s on an
  // idle machine passed 120 s.
  testTimeout: 300000,
  // Two test files at a time, whatever the cores (jest's default on 2 cores is one): most of a suite's time is spent
  // waiting on servers starting, Postgres, NATS and Chromium. On the team's 2-core machines the whole run took 661 s
  // this way against 1,282 s one file at a time. Suites that build the app share one build (tests/support/next-server.ts).
  maxWorkers: 2,
};
