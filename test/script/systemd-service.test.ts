import * as fs from 'fs';
import * as path from 'path';
import { ScriptPhase } from '../../lib/script/deploy-script';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { RestartPolicy, SystemdService, SystemdServiceProps } from '../../lib/script/systemd-service';
import { esc, requireTool, run, tmpDir } from './script-test-support';

const BASE: SystemdServiceProps = {
  name: 'tongyi',
  description: 'Qwen demo',
  execStart: ['/usr/local/python3/bin/python3', 'app.py'],
};

describe('SystemdService', () => {
  test('renderUnit with defaults (exact): Restart=on-failure, RestartSec, network-online, multi-user', () => {
    expect(new SystemdService(BASE).renderUnit()).toBe([
      '[Unit]',
      'Description=Qwen demo',
      'After=network-online.target',
      'Wants=network-online.target',
      '',
      '[Service]',
      'Type=simple',
      'ExecStart=/usr/local/python3/bin/python3 app.py',
      'Restart=on-failure',
      'RestartSec=10',
      'LimitNOFILE=60000',
      'TimeoutSec=120',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'));
  });

  test('renderUnit with every prop (exact)', () => {
    const s = new SystemdService({
      ...BASE,
      workingDirectory: '/root/Qwen-14B-Chat-Demo',
      environment: { GRADIO_SERVER_NAME: '127.0.0.1', PATH: '/usr/local/bin:/usr/bin' },
      restart: RestartPolicy.ALWAYS,
      restartSec: 3,
      limitNofile: 1024,
      timeoutSec: 30,
      after: ['network-online.target', 'nginx.service'],
      unitDirectory: '/lib/systemd/system',
    });
    expect(s.renderUnit()).toBe([
      '[Unit]',
      'Description=Qwen demo',
      'After=network-online.target nginx.service',
      'Wants=network-online.target nginx.service',
      '',
      '[Service]',
      'Type=simple',
      'WorkingDirectory=/root/Qwen-14B-Chat-Demo',
      'Environment="GRADIO_SERVER_NAME=127.0.0.1"',
      'Environment="PATH=/usr/local/bin:/usr/bin"',
      'ExecStart=/usr/local/python3/bin/python3 app.py',
      'Restart=always',
      'RestartSec=3',
      'LimitNOFILE=1024',
      'TimeoutSec=30',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'));
    expect(s.unitPath).toBe('/lib/systemd/system/tongyi.service');
  });

  test('after: [] renders no After=/Wants=', () => {
    const unit = new SystemdService({ ...BASE, after: [] }).renderUnit();
    expect(unit).not.toMatch(/^After=/m);
    expect(unit).not.toMatch(/^Wants=/m);
  });

  test('parts: the unit file (FILES), then daemon-reload, enable, restart (SERVICES) with budget timeoutSec + 30', () => {
    const s = new SystemdService({ ...BASE, timeoutSec: 50 });
    expect(s.unitName).toBe('tongyi.service');
    expect(s.unitPath).toBe('/etc/systemd/system/tongyi.service');
    expect(s.parts).toHaveLength(2);
    const [file, start] = s.parts;
    expect(file).toBeInstanceOf(ScriptFile);
    expect(file.phase).toBe(ScriptPhase.FILES);
    expect((file as ScriptFile).path).toBe('/etc/systemd/system/tongyi.service');
    expect((file as ScriptFile).content).toBe(s.renderUnit());
    expect((file as ScriptFile).mode).toBe('0644');
    expect(start).toBeInstanceOf(ScriptCommands);
    expect(start.phase).toBe(ScriptPhase.SERVICES);
    expect(start.budgetSeconds).toBe(80);
    expect(start.description).toBe('start service tongyi.service');
    expect(start.requiredCommands).toEqual(['systemctl']);
    expect(start.renderCommands()).toBe([
      'systemctl daemon-reload',
      '# reenable, not enable: links left by a unit of the same name elsewhere (such as',
      '# /lib/systemd/system) make systemd 219 refuse a plain enable.',
      "systemctl reenable 'tongyi.service'",
      "systemctl restart 'tongyi.service'",
    ].join('\n'));
    expect(new SystemdService(BASE).parts[1].budgetSeconds).toBe(150);
  });

  test('systemd-analyze verify accepts the rendered unit without a warning', () => {
    requireTool('systemd-analyze', 'systemd');
    const dir = tmpDir();
    const s = new SystemdService({
      name: 'qwen-chat-verify',
      description: 'verify me',
      execStart: ['/bin/sleep', '1000'],
      workingDirectory: '/tmp',
      environment: { PATH: '/usr/bin:/bin', GRADIO_SERVER_PORT: '7860' },
    });
    const file = path.join(dir, s.unitName);
    fs.writeFileSync(file, s.renderUnit());
    const r = run('systemd-analyze', ['verify', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  describe('validation', () => {
    test.each([
      ['tongyi.service'], ['a b'], ['a/b'], [''], ["a'b"],
    ])('name %p', (name) => {
      expect(() => new SystemdService({ ...BASE, name })).toThrow(new RegExp(`SystemdService: name '${name.replace(/\./g, '\\.')}' is not allowed`));
    });

    test.each([[''], ['100% ready'], ['a\nb'], ['back\\slash']])('description %p', (description) => {
      expect(() => new SystemdService({ ...BASE, description })).toThrow(new RegExp(`SystemdService: description '${esc(description)}' is not allowed`));
    });

    test('empty execStart', () => {
      expect(() => new SystemdService({ ...BASE, execStart: [] })).toThrow(/SystemdService: execStart is empty/);
    });

    test('a relative ExecStart path', () => {
      expect(() => new SystemdService({ ...BASE, execStart: ['python3', 'app.py'] }))
        .toThrow(/SystemdService: execStart\[0\] 'python3' is not allowed: give an absolute path/);
    });

    test.each([
      ['app file.py'], ['$HOME'], ['"x"'], ['50%'], ['a\\b'], [''],
    ])('an ExecStart arg %p', (arg) => {
      expect(() => new SystemdService({ ...BASE, execStart: ['/usr/bin/python3', arg] }))
        .toThrow(new RegExp(`SystemdService: execStart\\[1\\] '${arg.replace(/[$\\]/g, '\\$&')}' is not allowed`));
    });

    test('workingDirectory', () => {
      expect(() => new SystemdService({ ...BASE, workingDirectory: 'root/app' })).toThrow(/SystemdService: workingDirectory 'root\/app' is not allowed/);
    });

    test('environment name and value', () => {
      expect(() => new SystemdService({ ...BASE, environment: { '1X': 'a' } })).toThrow(/SystemdService: environment name '1X' is not allowed/);
      expect(() => new SystemdService({ ...BASE, environment: { X: 'a b' } })).toThrow(/SystemdService: environment X='a b' is not allowed/);
    });

    test.each([
      ['restartSec', 0], ['restartSec', 1.5], ['limitNofile', -1], ['timeoutSec', 0],
    ] as const)('%s %p', (prop, value) => {
      expect(() => new SystemdService({ ...BASE, [prop]: value })).toThrow(new RegExp(`SystemdService: ${prop} ${value} is not allowed: give a whole number >= 1`));
    });

    test('after entry', () => {
      expect(() => new SystemdService({ ...BASE, after: ['network online'] })).toThrow(/SystemdService: after entry 'network online' is not allowed/);
    });

    test('unitDirectory', () => {
      expect(() => new SystemdService({ ...BASE, unitDirectory: 'etc/systemd' })).toThrow(/SystemdService: unitDirectory 'etc\/systemd' is not allowed/);
    });
  });
});
