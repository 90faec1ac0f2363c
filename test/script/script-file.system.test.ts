import * as fs from 'fs';
import * as path from 'path';
import { renderWriteFunction } from '../../lib/script/private/shell';
import { ScriptFile } from '../../lib/script/script-file';
import { run, tmpDir } from './script-test-support';

describe('ScriptFile run by bash', () => {
  test.each([['0640'], ['0644']])('bash writes the content byte for byte, with the mode %s, and expands nothing', (mode) => {
    const dir = tmpDir();
    const target = path.join(dir, 'sub', 'site.conf');
    const content = 'map $http_upgrade $x {\n  "${HOME}" `id` $(id) \\n \'q\'\n}\nDS_EOF\n';
    const f = new ScriptFile({ path: target, content, mode });
    const r = run('bash', ['-euo', 'pipefail', '-c', `${renderWriteFunction()}\n${f.renderCommands()}`]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.readFileSync(target, 'utf8')).toBe(content);
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe(mode.slice(1));
    expect(fs.existsSync(`${target}.ds-tmp`)).toBe(false);
  });

  test('a write that fails leaves the old file in place', () => {
    const dir = tmpDir();
    const target = path.join(dir, 'app.conf');
    fs.writeFileSync(target, 'old\n');
    // chmod to an invalid mode fails after the temporary file was written: the rename never happens.
    const f = new ScriptFile({ path: target, content: 'new\n', mode: '0644' });
    const r = run('bash', ['-euo', 'pipefail', '-c', `${renderWriteFunction().replace('chmod "${2:-0644}"', 'false')}\n${f.renderCommands()}`]);
    expect(r.status).not.toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toBe('old\n');
  });
});
