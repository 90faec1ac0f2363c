import * as fs from 'fs';
import * as path from 'path';
import { ScriptPhase } from '../../lib/script/deploy-script';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { ScriptValue } from '../../lib/script/script-value';
import { requireTool, run, tmpDir } from './script-test-support';

describe('ScriptFile', () => {
  test('renderCommands: quoted heredoc to a temporary file, chmod, rename (exact)', () => {
    const f = new ScriptFile({ path: '/etc/demo/app.conf', content: 'a=$HOME\nb=`id`\n' });
    expect(f.phase).toBe(ScriptPhase.FILES);
    expect(f.mode).toBe('0644');
    expect(f.budgetSeconds).toBe(10);
    expect(f.values).toEqual([]);
    expect(f.requiredCommands).toEqual(['install', 'cat', 'chmod', 'mv']);
    expect(f.description).toBe('write /etc/demo/app.conf');
    expect(f.renderCommands()).toBe([
      "install -d -m 0755 '/etc/demo'",
      "cat > '/etc/demo/app.conf.qwen-chat-tmp' <<'QWEN_CHAT_EOF'",
      'a=$HOME',
      'b=`id`',
      'QWEN_CHAT_EOF',
      "chmod 0644 '/etc/demo/app.conf.qwen-chat-tmp'",
      "mv -f '/etc/demo/app.conf.qwen-chat-tmp' '/etc/demo/app.conf'",
    ].join('\n'));
  });

  test('content without a final newline gets one; a content line equal to the delimiter changes the delimiter', () => {
    const f = new ScriptFile({ path: '/x/y', content: 'QWEN_CHAT_EOF\nlast', mode: '600' });
    expect(f.renderCommands()).toBe([
      "install -d -m 0755 '/x'",
      "cat > '/x/y.qwen-chat-tmp' <<'QWEN_CHAT_EOF_1'",
      'QWEN_CHAT_EOF',
      'last',
      'QWEN_CHAT_EOF_1',
      "chmod 600 '/x/y.qwen-chat-tmp'",
      "mv -f '/x/y.qwen-chat-tmp' '/x/y'",
    ].join('\n'));
  });

  test('bash writes the content byte for byte, with the mode, and expands nothing', () => {
    requireTool('bash', 'bash');
    const dir = tmpDir();
    const target = path.join(dir, 'sub', 'site.conf');
    const content = 'map $http_upgrade $x {\n  "${HOME}" `id` $(id) \\n \'q\'\n}\nQWEN_CHAT_EOF\n';
    const f = new ScriptFile({ path: target, content, mode: '0640' });
    const r = run('bash', ['-euo', 'pipefail', '-c', f.renderCommands()]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toBe(content);
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe('640');
    expect(fs.existsSync(`${target}.qwen-chat-tmp`)).toBe(false);
  });

  test.each([
    ['relative/path'], ['/etc/../shadow'], ['/etc/a b'], ["/etc/a'b"], ['/etc/$x'], [''],
  ])('path %p is refused, naming the value', (p) => {
    expect(() => new ScriptFile({ path: p, content: 'x' })).toThrow(new RegExp(`ScriptFile: path '${p.replace(/[$.]/g, '\\$&')}' is not allowed`));
  });

  test.each([['999'], ['0o644'], ['rw-r--r--'], ['06444']])('mode %p is refused, naming the value and the path', (mode) => {
    expect(() => new ScriptFile({ path: '/etc/x', content: 'x', mode })).toThrow(new RegExp(`ScriptFile: mode '${mode}' for /etc/x is not allowed`));
  });
});

describe('ScriptCommands', () => {
  test('defaults: COMMANDS phase, 60 s budget, no values, no required commands; lines joined', () => {
    const c = new ScriptCommands({ description: 'say hi', commands: ['echo hi', 'echo there'] });
    expect(c.phase).toBe(ScriptPhase.COMMANDS);
    expect(c.budgetSeconds).toBe(60);
    expect(c.values).toEqual([]);
    expect(c.requiredCommands).toEqual([]);
    expect(c.description).toBe('say hi');
    expect(c.renderCommands()).toBe('echo hi\necho there');
  });

  test('props are kept', () => {
    const v = ScriptValue.fromToken('Name', 'x');
    const c = new ScriptCommands({
      description: 'd', commands: ['true'], phase: ScriptPhase.SERVICES, budgetSeconds: 5, values: [v], requiredCommands: ['systemctl'],
    });
    expect(c.phase).toBe(ScriptPhase.SERVICES);
    expect(c.budgetSeconds).toBe(5);
    expect(c.values).toEqual([v]);
    expect(c.requiredCommands).toEqual(['systemctl']);
  });

  test('empty commands are refused, naming the step', () => {
    expect(() => new ScriptCommands({ description: 'nothing', commands: [] })).toThrow(/ScriptCommands 'nothing': commands is empty/);
  });
});
