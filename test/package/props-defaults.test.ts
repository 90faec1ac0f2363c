import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { listFiles, ROOT } from './support/package-copy';

/**
 * Every exported input interface in lib/ (construct props, specs, options) documents each field,
 * and every optional field says what happens when it is left out with a `@default` tag: that is
 * what the generated API reference (`npm run docs`) shows.
 */
interface Field { file: string; iface: string; field: string; optional: boolean; doc: string; hasDefault: boolean }

function exportedInterfaceFields(): Field[] {
  const files = listFiles(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts') && !f.startsWith('private/'));
  const fields: Field[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, 'lib', file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true);
    for (const stmt of source.statements) {
      if (!ts.isInterfaceDeclaration(stmt)) continue;
      if (!stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const member of stmt.members) {
        if (!ts.isPropertySignature(member) && !ts.isMethodSignature(member)) continue;
        const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
        const doc = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ').trim();
        fields.push({
          file: `lib/${file}`,
          iface: stmt.name.text,
          field: member.name.getText(source),
          optional: member.questionToken !== undefined,
          doc,
          hasDefault: ts.getJSDocTags(member).some((t) => t.tagName.text === 'default'),
        });
      }
    }
  }
  return fields;
}

const fields = exportedInterfaceFields();
/** Interfaces a caller fills in (data shapes such as parsed templates may leave fields out without a default). */
const INPUT = /(Props|Options|Spec)$/;
const label = (f: Field) => `${f.file}: ${f.iface}.${f.field}`;

describe('documented props', () => {
  test('the parser finds the construct props', () => {
    const ifaces = new Set(fields.map((f) => f.iface));
    for (const name of ['QwenChatStackProps', 'QwenGpuInstanceProps', 'ServiceNetworkProps', 'NginxBasicAuthProps',
      'SystemdServiceProps', 'HealthCheckProps', 'DeployScriptProps', 'DeployScriptRunCommandProps', 'WaitConditionCallbackProps']) {
      expect(ifaces).toContain(name);
    }
    expect(fields.filter((f) => f.optional).length).toBeGreaterThan(40);
  });

  test('every optional field of an exported Props interface has a @default tag', () => {
    const missing = fields.filter((f) => f.iface.endsWith('Props') && f.optional && !f.hasDefault).map(label);
    expect(missing).toEqual([]);
  });

  test('every optional field of the other caller-filled inputs (*Options, *Spec) has a @default tag', () => {
    const missing = fields.filter((f) => INPUT.test(f.iface) && !f.iface.endsWith('Props') && f.optional && !f.hasDefault).map(label);
    expect(missing).toEqual([]);
  });

  test('every field of an exported input interface (*Props, *Options, *Spec) has a doc comment', () => {
    const missing = fields.filter((f) => INPUT.test(f.iface) && f.doc.length === 0).map(label);
    expect(missing).toEqual([]);
  });
});
