import * as fs from 'fs';
import { checkParameterValue, renderRunCommandScript } from '../../lib/ros/resolver';
import { renderDeployment } from '../../rehearsal/rendered-deployment';
import { runRehearsal } from '../../rehearsal/rehearsal-runner';

jest.setTimeout(300000);

// short, so the injections fit the parameters' MaxLength and reach the pattern and the script
const SENTINEL = `/tmp/q${process.pid % 100000}`;
const S = SENTINEL;

/** Values built to break out of quoting; each is tried as UserName and as Password. */
const HOSTILE: readonly string[] = [
  `$(touch ${S})`,
  `$(touch\${IFS}${S})`,
  `Aa1$(touch\${IFS}${S})`,
  `\`touch ${S}\``,
  `Aa1\`touch\${IFS}${S}\``,
  `x;touch ${S}`,
  `Aa1;touch\${IFS}${S};`,
  `Aa1'$(touch\${IFS}${S})'`,
  `Aa1"$(touch\${IFS}${S})"`,
  `Aa1\\$(touch\${IFS}${S})`,
  `Aa1\n$(touch ${S})`,
  `Aa1;touch\${IFS}${S}`,
  `Aa1&&touch\${IFS}${S}`,
  `Aa1$(>${S})`,
  `Aa1"\\\`>${S}\``,
  `Aa1';>${S};'`,
  'Aa1 with spaces',
  'Aa1%s%n%x%%',
  `Aa1|touch\${IFS}${S}&&`,
  `Aa1{a,b}\${PATH}[*]?<>`,
  'A'.repeat(5000),
  `Aa1${'$('.repeat(12)}`,
  '-Aa1-leading-dash',
  'Aa1:colon:name',
];

interface Row { readonly role: string; readonly value: string; readonly handled: string }

function show(v: string): string {
  const s = JSON.stringify(v.length > 40 ? `${v.slice(0, 20)}...(${v.length} chars)` : v);
  return s.split(SENTINEL).join('<S>');
}

describe('hostile UserName / Password values', () => {
  const d = renderDeployment();
  const params = d.template.Parameters ?? {};
  const rows: Row[] = [];

  afterAll(() => {
    const lines = rows.map((r) => `${r.role.padEnd(9)} | ${show(r.value).padEnd(46)} | ${r.handled}`);
    const rejected = rows.filter((r) => r.handled.startsWith('rejected')).length;
    console.log(`hostile values tried: ${rows.length} (${HOSTILE.length} values x 2 parameters); rejected by the template's own constraints: ${rejected}; `
      + `accepted and rehearsed: ${rows.length - rejected}\nparameter | value (<S> = sentinel path) | handled\n${lines.join('\n')}`);
    fs.rmSync(SENTINEL, { force: true });
  });

  test('control: a naive template that pastes a parameter unquoted does create the sentinel', async () => {
    fs.rmSync(SENTINEL, { force: true });
    const naive = {
      Parameters: { UserName: { Type: 'String' } },
      Resources: { Run: { Type: 'ALIYUN::ECS::RunCommand', Properties: { CommandContent: { 'Fn::Sub': '#!/bin/bash\necho ${UserName}\n' } } } },
    };
    const script = renderRunCommandScript({ template: naive, parameters: { UserName: `x$(touch\${IFS}${SENTINEL})` } });
    await runRehearsal({ script });
    expect(fs.existsSync(SENTINEL)).toBe(true);
    fs.rmSync(SENTINEL, { force: true });
  });

  test('UserName and Password carry their own constraints', () => {
    expect(params.UserName?.AllowedPattern).toBeDefined();
    expect(params.Password?.AllowedPattern).toBeDefined();
    expect(params.Password?.NoEcho).toBe(true);
    expect(params.Password?.MaxLength).toBeLessThanOrEqual(64);
  });

  test('each value is rejected by the parameter pattern/length, or rehearsed harmlessly', async () => {
    for (const role of ['UserName', 'Password'] as const) {
      for (const value of HOSTILE) {
        const reason = checkParameterValue(role, params[role], value);
        if (reason !== undefined) {
          rows.push({ role, value, handled: `rejected: ${/MinLength|MaxLength/.test(reason) ? reason.replace(/^.*: length/, 'length') : 'AllowedPattern'}` });
          continue;
        }
        fs.rmSync(SENTINEL, { force: true });
        const userName = role === 'UserName' ? value : 'admin';
        const password = role === 'Password' ? value : 'Hostile-Run-Pw1';
        const dep = renderDeployment({ parameters: { UserName: userName, Password: password } });
        const r = await runRehearsal({
          script: dep.script,
          probe: { port: dep.listenPort, userName, password },
          secrets: [password],
        });
        const summary = `SUCCESS=${r.signals.filter((s) => s.status === 'SUCCESS').length} probe=${r.probe?.noCredentials}/${r.probe?.withCredentials} `
          + `argv samples=${r.argv.samples} hits=${r.argv.hits.length}`;
        rows.push({ role, value, handled: `accepted, rehearsed: ${summary}; sentinel ${fs.existsSync(SENTINEL) ? 'CREATED' : 'absent'}` });
        expect({ value, sentinel: fs.existsSync(SENTINEL) }).toEqual({ value, sentinel: false });
        expect({ value, hits: r.argv.hits }).toEqual({ value, hits: [] });
        expect(r.output).not.toContain(password);
        expect(r.deployLog).not.toContain(password);
        expect(r.signals.map((s) => s.body).join('')).not.toContain(password);
        // accepted values work as credentials: the deployment succeeds and nginx takes them
        expect({ value, signals: r.signals.map((s) => s.status), probe: r.probe })
          .toEqual({ value, signals: ['SUCCESS'], probe: { noCredentials: '401', wrongPassword: '401', withCredentials: '200', body: 'stand-in app ok\n' } });
      }
    }
    expect(rows.length).toBe(HOSTILE.length * 2);
  });
});
