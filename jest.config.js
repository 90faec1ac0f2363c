/**
 * Two projects (`npm test` runs both):
 * - unit: `*.test.ts`: no root, no network, no external program; the inner loop (`npm run test:unit`).
 * - system: `*.system.test.ts`: real tools (bash, nginx, shellcheck, systemd-analyze, npm pack, the
 *   rehearsal's namespaces as root); `scripts/install-system-deps.sh` installs them.
 * @type {import('jest').Config}
 */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Type checking is done once by `tsc --noEmit` in `npm test`; with isolatedModules in
  // tsconfig.json, ts-jest only transpiles each file.
  transform: { '^.+\\.ts$': 'ts-jest' },
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['\\.system\\.test\\.ts$'] },
    { ...common, displayName: 'system', testMatch: ['**/*.system.test.ts'] },
  ],
};
