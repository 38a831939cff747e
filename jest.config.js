/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // @middy/core 6 ships ES modules only: let swc compile it for Jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/setup-jest.ts'],
  maxWorkers: 2,
  testTimeout: 60000,
};
