/**
 * Issue 13 item 5: the whole rendered deploy script of the default stack on an instance with SELinux enforcing
 * (stand-ins for selinuxenabled, setsebool, semanage and restorecon; real bash and nginx), in the rehearsal sandbox.
 */
import { renderDeployment } from '../../rehearsal/rendered-deployment';
import { runRehearsal } from '../../rehearsal/rehearsal-runner';
import { expectRehearsal } from './rendered-artifacts';

jest.setTimeout(180000);

const PASSWORD = 'Rehearsal-Pw-13';

test('SELinux enforcing: port 5000 labelled http_port_t (-a refused, -m), the site and htpasswd relabelled, one SUCCESS, nginx serves with the password', async () => {
  const d = renderDeployment({ parameters: { Password: PASSWORD } });
  const r = await runRehearsal({
    script: d.script,
    selinuxEnforcing: true,
    probe: { port: d.listenPort, userName: 'admin', password: PASSWORD, tlsCertificate: d.tlsCertificate },
    secrets: [PASSWORD],
  });
  expectRehearsal(r, () => {
    expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
    expect(r.probe).toMatchObject({ noCredentials: '401', wrongPassword: '401', withCredentials: '200', body: 'stand-in app ok\n' });
    expect(r.selinuxCalls).toEqual([
      'selinuxenabled ',
      'setsebool -P httpd_can_network_connect 1',
      'semanage port -l',
      `semanage port -a -t http_port_t -p tcp ${d.listenPort}`,
      `semanage port -m -t http_port_t -p tcp ${d.listenPort}`,
      `restorecon ${d.sitePath} ${d.htpasswdPath} /etc/nginx/tls/${d.listenPort}.crt /etc/nginx/tls/${d.listenPort}.key`,
    ]);
    expect(r.argv.hits).toEqual([]);
    expect(r.deployLog).not.toContain(PASSWORD);
  });
});

