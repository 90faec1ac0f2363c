import { ScriptPhase } from '../../lib/script/deploy-script';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { ScriptValue } from '../../lib/script/script-value';
import { RESERVED_UNIT_NAMES, RestartPolicy, reservedUnitNameEntry, SystemdService, SystemdServiceProps } from '../../lib/script/systemd-service';
import { esc } from './script-test-support';

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

  test('parts: the unit file (FILES), then daemon-reload, reenable, restart (SERVICES) with budget timeoutSec + 30', () => {
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
    expect(start.description).toBe('start tongyi.service');
    expect(start.requiredCommands).toEqual(['systemctl']);
    expect(start.renderCommands()).toBe([
      'systemctl daemon-reload',
      'systemctl reenable tongyi.service',
      'systemctl restart tongyi.service',
    ].join('\n'));
    expect(s.environmentFile).toBeUndefined();
    expect(new SystemdService(BASE).parts[1].budgetSeconds).toBe(150);
  });

  test('environmentValues: an EnvironmentFile= line in the unit, the values never in it; a FILES part writes the file (exact)', () => {
    const key = ScriptValue.fromToken('ApiKey', 'k', { secret: true });
    const mode = ScriptValue.fromToken('Mode', 'm');
    const s = new SystemdService({ ...BASE, environment: { A: '1' }, environmentValues: { API_KEY: key, MODE: mode } });
    expect(s.environmentFile).toBe('/etc/default/tongyi');
    const unit = s.renderUnit();
    expect(unit).toContain('Environment="A=1"\nEnvironmentFile=/etc/default/tongyi\nExecStart=');
    expect(unit).not.toMatch(/API_KEY|MODE/);
    expect(s.parts.map((p) => p.description)).toEqual(['write /etc/systemd/system/tongyi.service', 'write environment file /etc/default/tongyi', 'start tongyi.service']);
    const envPart = s.parts[1];
    expect(envPart.phase).toBe(ScriptPhase.FILES);
    expect(envPart.values).toEqual([key, mode]);
    expect(envPart.renderCommands()).toBe([
      "install -d -m 0755 '/etc/default'",
      "ds_env_tmp=$(mktemp '/etc/default/tongyi.XXXXXX')",
      'chmod 0600 "$ds_env_tmp"',
      'for ds_env in API_KEY=api_key MODE=mode; do',
      '  ds_env_var=${ds_env#*=}',
      '  ds_env_value=${!ds_env_var}',
      '  case $ds_env_value in *$\'\\n\'*) rm -f "$ds_env_tmp"; ds_fail "the value of ${ds_env%%=*} has a line break; give it on one line" ;; esac',
      '  printf \'%s="%s"\\n\' "${ds_env%%=*}" "$(printf %s "$ds_env_value" | sed \'s/[\\\\"`$]/\\\\&/g\')" >> "$ds_env_tmp"',
      'done',
      "mv -f \"$ds_env_tmp\" '/etc/default/tongyi'",
    ].join('\n'));
    // The secret's variable is read by name (indirect expansion), never as an argument.
    expect(envPart.renderCommands()).not.toMatch(/\$\{?api_key\b/);
    expect(new SystemdService({ ...BASE, environmentValues: { K: key }, environmentFile: '/etc/app/env' }).renderUnit()).toContain('EnvironmentFile=/etc/app/env\n');
  });

  test('user and sandbox (issue 15): User=/Group=, HOME, ProtectHome; a FILES part makes the user, its home, checks what it reads (exact)', () => {
    const s = new SystemdService({
      ...BASE, name: 'qwen-api', workingDirectory: '/usr/local/vllm', environment: { HF_HUB_OFFLINE: '1' }, sandbox: true,
      user: { name: 'qwen-api', homeDirectory: '/var/lib/qwen-api/home', readablePaths: ['/var/lib/qwen-api/models/Qwen/Qwen3-8B'] },
    });
    expect(s.renderUnit()).toContain([
      'WorkingDirectory=/usr/local/vllm',
      'User=qwen-api',
      'Group=qwen-api',
      'Environment="HF_HUB_OFFLINE=1"',
      'Environment="HOME=/var/lib/qwen-api/home"',
      'ExecStart=/usr/local/python3/bin/python3 app.py',
      'Restart=on-failure',
      'RestartSec=10',
      'LimitNOFILE=60000',
      'TimeoutSec=120',
      'NoNewPrivileges=yes',
      'ProtectSystem=full',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      '',
    ].join('\n'));
    const part = s.parts[1];
    expect(part).toBeInstanceOf(ScriptCommands);
    expect(part.phase).toBe(ScriptPhase.FILES);
    expect(part.description).toBe('system user qwen-api');
    expect(part.renderCommands()).toBe([
      'getent passwd qwen-api >/dev/null || useradd --system --user-group --no-create-home --home-dir /var/lib/qwen-api/home --shell /sbin/nologin qwen-api',
      'install -d -m 0750 -o qwen-api -g qwen-api /var/lib/qwen-api/home',
      "runuser -u qwen-api -- test -r /usr/local/vllm -a '(' -f /usr/local/vllm -o -x /usr/local/vllm ')' || ds_fail 'qwen-api cannot read /usr/local/vllm'",
      "runuser -u qwen-api -- test -r /var/lib/qwen-api/models/Qwen/Qwen3-8B -a '(' -f /var/lib/qwen-api/models/Qwen/Qwen3-8B -o -x /var/lib/qwen-api/models/Qwen/Qwen3-8B ')' || ds_fail 'qwen-api cannot read /var/lib/qwen-api/models/Qwen/Qwen3-8B'",
    ].join('\n'));
    expect(part.requiredCommands).toEqual(expect.arrayContaining(['getent', 'useradd', 'install', 'runuser']));
  });

  test('sandbox without user: no ProtectHome (an app under /root keeps working)', () => {
    const unit = new SystemdService({ ...BASE, workingDirectory: '/root/Qwen-14B-Chat-Demo', sandbox: true }).renderUnit();
    expect(unit).toContain('TimeoutSec=120\nNoNewPrivileges=yes\nProtectSystem=full\nPrivateTmp=yes\n\n[Install]');
    expect(unit).not.toMatch(/ProtectHome|User=/);
  });

  describe('validation', () => {
    test.each([
      ['tongyi.service'], ['a b'], ['a/b'], [''], ["a'b"], ['-h'], ['--help'], ['.hidden'], ['a.b'], ['getty@tty1'], ['../etc'], ['x'.repeat(65)],
    ])('name %p does not match the pattern', (name) => {
      expect(() => new SystemdService({ ...BASE, name })).toThrow(new RegExp(`SystemdService: name '${esc(name)}' is not allowed: give the unit name without '\\.service': a letter or digit`));
    });

    test.each([
      ['sshd', 'sshd'], ['dbus', 'dbus'], ['systemd-journald', 'systemd-*'], ['systemd-resolved', 'systemd-*'], ['network', 'network*'],
      ['NetworkManager', 'NetworkManager*'], ['networking', 'network*'], ['crond', 'crond'], ['cron', 'cron'], ['rsyslog', 'rsyslog'],
      ['aliyun', 'aliyun*'], ['AliYunDun', 'AliYunDun*'], ['AliYunDunUpdate', 'AliYunDun*'], ['aegis', 'aegis'], ['cloudmonitor', 'cloudmonitor'],
      ['chronyd', 'chronyd'], ['nginx', 'nginx'], ['NGINX', 'nginx'], ['cloud-init', 'cloud-init*'], ['docker', 'docker'], ['nvidia-persistenced', 'nvidia-*'],
      ['getty', 'getty*'], ['multi-user', 'multi-user'], ['default', 'default'], ['firewalld', 'firewalld'],
    ])('name %p is refused as a system or agent unit (%s)', (name, entry) => {
      expect(reservedUnitNameEntry(name)).toBe(entry);
      expect(() => new SystemdService({ ...BASE, name })).toThrow(new RegExp(`SystemdService: name '${esc(name)}' is not allowed: it is .*(unit|'${esc(entry)}' family).*the system or a cloud agent runs.*give the app its own name`));
    });

    test.each([['tongyi'], ['qwen-chat'], ['app_1'], ['sshd-tunnel-demo2'], ['my-nginx-app']])('name %p is accepted', (name) => {
      expect(reservedUnitNameEntry(name)).toBeUndefined();
      expect(new SystemdService({ ...BASE, name }).unitName).toBe(`${name}.service`);
    });

    test('every reserved entry is a name or a prefix the pattern could otherwise accept', () => {
      for (const entry of RESERVED_UNIT_NAMES) {
        expect({ entry, ok: /^[A-Za-z0-9][A-Za-z0-9_-]*\*?$/.test(entry) }).toEqual({ entry, ok: true });
      }
    });

    test('environmentValues: names, clashes with environment, not a ScriptValue, the file path', () => {
      const v = ScriptValue.fromToken('X', 'x');
      expect(() => new SystemdService({ ...BASE, environmentValues: { '1X': v } })).toThrow(/SystemdService: environmentValues name '1X' is not allowed/);
      expect(() => new SystemdService({ ...BASE, environment: { X: 'a' }, environmentValues: { X: v } })).toThrow(/SystemdService: environment variable 'X' is set in both environment and environmentValues/);
      expect(() => new SystemdService({ ...BASE, environmentValues: { X: 'plain' as unknown as ScriptValue } })).toThrow(/SystemdService: environmentValues 'X' is not a ScriptValue/);
      expect(() => new SystemdService({ ...BASE, environmentValues: { X: v }, environmentFile: 'etc/x' })).toThrow(/SystemdService: environmentFile 'etc\/x' is not allowed/);
    });

    test.each([[''], ['100% ready'], ['a\nb'], ['back\\slash']])('description %p', (description) => {
      expect(() => new SystemdService({ ...BASE, description })).toThrow(new RegExp(`SystemdService: description '${esc(description)}' is not allowed`));
    });

    test.each([
      [{ name: 'Qwen', homeDirectory: '/var/lib/q' }, {}, "SystemdService: user.name 'Qwen' is not allowed: give a system user name of a lowercase letter, then up to 31 lowercase letters, digits, '_' and '-' (not 'root'), such as 'tongyi'."],
      [{ name: 'root', homeDirectory: '/var/lib/q' }, {}, "SystemdService: user.name 'root' is not allowed"],
      [{ name: 'q', homeDirectory: 'var/lib/q' }, {}, "SystemdService: user.homeDirectory 'var/lib/q' is not allowed: give an absolute path other than '/'"],
      [{ name: 'q', homeDirectory: '/var/lib/q', readablePaths: ['/srv/$x'] }, {}, "SystemdService: user.readablePaths[0] '/srv/$x' is not allowed"],
      [{ name: 'q', homeDirectory: '/home/q' }, { sandbox: true }, "SystemdService: user.homeDirectory '/home/q' is not allowed with sandbox and user: ProtectHome=yes hides /home from the service; put it elsewhere, such as '/var/lib/q'."],
      [{ name: 'q', homeDirectory: '/var/lib/q' }, { sandbox: true, workingDirectory: '/root/Qwen-14B-Chat-Demo' }, "SystemdService: workingDirectory '/root/Qwen-14B-Chat-Demo' is not allowed with sandbox and user: ProtectHome=yes hides /root"],
      [{ name: 'q', homeDirectory: '/var/lib/q', readablePaths: ['/root/.cache/modelscope/hub'] }, { sandbox: true }, "SystemdService: user.readablePaths[0] '/root/.cache/modelscope/hub' is not allowed with sandbox and user"],
      [{ name: 'q', homeDirectory: '/var/lib/q' }, { environment: { HOME: '/x' } }, 'SystemdService: environment HOME is not allowed with user'],
    ] as const)('user %j with %j is refused naming the prop', (user, more, message) => {
      expect(() => new SystemdService({ ...BASE, ...more, user })).toThrow(message);
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
