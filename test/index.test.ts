import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The logical-id scheme lib/index.ts documents: every prop that names logical ids is called
 * `logicalIdPrefix` (no `logicalId`, `handleLogicalId`, ...), and every construct props interface
 * that has one documents the `''` default.
 */
const LIB = path.join(__dirname, '..', 'lib');
/** Props that pick an existing resource of a template by its id, rather than name new ones. */
const SELECTS_EXISTING = new Set(['RenderRunCommandScriptProps.logicalId']);

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

const logicalIdProps = tsFiles(LIB).flatMap((file) => {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
  return source.statements.filter(ts.isInterfaceDeclaration).flatMap((iface) => iface.members
    .filter((m): m is ts.PropertySignature => ts.isPropertySignature(m) && /logicalid/i.test(m.name.getText(source)))
    .filter((m) => !SELECTS_EXISTING.has(`${iface.name.text}.${m.name.getText(source)}`))
    .map((m) => ({
      where: `${path.relative(LIB, file)}: ${iface.name.text}.${m.name.getText(source)}`,
      name: m.name.getText(source),
      defaultTag: ts.getJSDocTags(m).find((t) => t.tagName.text === 'default')?.comment,
    })));
});

describe('one logical-id scheme', () => {
  test('the constructs that make resources take logicalIdPrefix', () => {
    expect(logicalIdProps.map((p) => p.where.split(':')[1].trim()).sort()).toEqual(expect.arrayContaining([
      'DeployScriptRunCommandProps.logicalIdPrefix', 'ExistingNetworkProps.logicalIdPrefix', 'GpuInstanceGroupBaseProps.logicalIdPrefix',
      'ScriptedDeploymentProps.logicalIdPrefix', 'ServiceNetworkProps.logicalIdPrefix', 'WaitConditionCallbackProps.logicalIdPrefix',
    ]));
  });

  test.each(logicalIdProps.map((p) => [p.where, p] as const))('%s is logicalIdPrefix with the default \'\'', (_where, p) => {
    expect({ name: p.name, defaultTag: p.defaultTag }).toEqual({ name: 'logicalIdPrefix', defaultTag: "''" });
  });
});
