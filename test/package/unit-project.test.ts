import * as fs from 'fs';
import * as path from 'path';

/**
 * The unit project runs no external program (the system project does): no unit test file imports
 * child_process or the test helpers that start programs. Found by reading the files, so a new test that
 * starts bash or curl lands in a `*.system.test.ts` file.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const PROGRAM_STARTERS = [
  /from 'child_process'/, /require\('child_process'\)/, /\brequireTool\(/, /\brunAsync\(/, /\bspawnSync\(/,
  /\bexecFileSync\(/, /\bexecSync\(/, /\brunRehearsal\(/, /\bNamespaceSandbox\b/,
  /import \{[^}]*\brun\b[^}]*\} from '[./]*script\/script-test-support'/,
];

function unitTestFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : unitTestFiles(full);
    return e.name.endsWith('.test.ts') && !e.name.endsWith('.system.test.ts') ? [full] : [];
  });
}

// This file names the patterns it looks for, so it is left out.
const files = unitTestFiles(path.join(ROOT, 'test')).map((f) => path.relative(ROOT, f)).filter((f) => f !== path.join('test', 'package', 'unit-project.test.ts'));

describe('the unit project', () => {
  test('has test files', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  test.each(files)('%s starts no external program', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    expect(PROGRAM_STARTERS.filter((p) => p.test(text)).map(String)).toEqual([]);
  });
});
