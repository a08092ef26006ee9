/** Unit tests run on swc; the host's typed-array constructors are passed into jest's sandbox
 *  because onnxruntime-node checks `instanceof Float32Array` against its own realm. */
module.exports = {
  testEnvironment: '<rootDir>/tests/support/node-environment.js',
  globalSetup: '<rootDir>/tests/support/link-data.js',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testTimeout: 120000,
};
