import { ScriptPhase } from '../../lib/script/deploy-script';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { ScriptValue } from '../../lib/script/script-value';
import { renderWriteFunction } from '../../lib/script/private/shell';

describe('ScriptFile', () => {
  test('renderCommands: ds_write with a quoted here-document (exact); the default mode 0644 is not repeated', () => {
    const f = new ScriptFile({ path: '/etc/demo/app.conf', content: 'a=$HOME\nb=`id`\n' });
    expect(f.phase).toBe(ScriptPhase.FILES);
    expect(f.mode).toBe('0644');
    expect(f.budgetSeconds).toBe(10);
    expect(f.values).toEqual([]);
    expect(f.requiredCommands).toEqual(['install', 'dirname', 'cat', 'chmod', 'mv']);
    expect(f.description).toBe('write /etc/demo/app.conf');
    expect(f.renderFunctions()).toBe(renderWriteFunction());
    expect(f.renderCommands()).toBe([
      "ds_write /etc/demo/app.conf <<'DS_EOF'",
      'a=$HOME',
      'b=`id`',
      'DS_EOF',
    ].join('\n'));
  });

  test('ds_write (exact): a temporary file beside the target, the mode, a rename', () => {
    expect(renderWriteFunction()).toBe('ds_write() { install -d -m 0755 "$(dirname "$1")"; cat > "$1.ds-tmp"; chmod "${2:-0644}" "$1.ds-tmp"; mv -f "$1.ds-tmp" "$1"; }');
  });

  test('content without a final newline gets one; a content line equal to the delimiter changes the delimiter', () => {
    const f = new ScriptFile({ path: '/x/y', content: 'DS_EOF\nlast', mode: '600' });
    expect(f.renderCommands()).toBe([
      "ds_write /x/y 600 <<'DS_EOF_1'",
      'DS_EOF',
      'last',
      'DS_EOF_1',
    ].join('\n'));
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
