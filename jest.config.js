/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is done once by `tsc --noEmit` in `npm test`; with isolatedModules in
  // tsconfig.json, ts-jest only transpiles each file.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
};
