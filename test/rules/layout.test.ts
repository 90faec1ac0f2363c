import * as fs from 'fs';
import * as path from 'path';

const RULES = path.join(__dirname, '..', '..', 'lib', 'rules');

/** The relative imports of every .ts file of a lib/rules subfolder, resolved to paths inside lib/. */
function importsOf(folder: string): Array<{ file: string; target: string }> {
  const dir = path.join(RULES, folder);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => ({
      file: `${folder}/${f}`,
      target: path.relative(path.join(RULES, '..'), path.resolve(dir, m[1])),
    }));
  });
}

describe('lib/rules layers: analysis <- engine <- checks <- the pack; nothing imports back up', () => {
  test.each([
    ['analysis', /^(ros\/|rules\/analysis\/)/],
    ['engine', /^(ros\/|rules\/engine\/)/],
    ['checks', /^(ros\/|rules\/(engine|analysis|checks)\/)/],
    ['checks/private', /^(ros\/|rules\/(engine|analysis|checks\/private)\/)/],
  ])('%s imports only from the layers below it', (folder, allowed) => {
    const bad = importsOf(folder).filter((i) => !allowed.test(i.target));
    expect(bad).toEqual([]);
  });

  test('every check is declared with defineRule (or defineScriptRule) and never names itself through this.id', () => {
    const dir = path.join(RULES, 'checks');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      expect({ f, declared: /export const \w+ = define(Script)?Rule\(\{/.test(text), thisId: /this\.id/.test(text) }).toEqual({ f, declared: true, thisId: false });
    }
  });
});
