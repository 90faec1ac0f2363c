/**
 * Issue 16 item 5 (stretch): the scaling configuration's user data, resolved as ROS would resolve it,
 * runs in a rehearsal sandbox (the same stand-ins as the RunCommand rehearsal: no Alibaba Cloud, no
 * ESS, no cloud-init here) and signals SUCCESS to its own wait; the script it keeps beside its log is
 * the RunCommand's.
 */
import { renderRunCommandScript, IntrinsicResolver } from '../../lib/ros/resolver';
import { TemplateDocument } from '../../lib/ros/template';
import { DEFAULT_CURL_CLI, STAND_IN_LOAD_BALANCER_ADDRESS } from '../../rehearsal/rendered-deployment';
import { runRehearsal } from '../../rehearsal/rehearsal-runner';
import { synthTemplate } from '../script/script-test-support';
import { chatStackWithScalingGroup } from './chat-with-scaling-group';

jest.setTimeout(180000);

const PASSWORD = 'Rehearsal-Pw-5';

test('the user data of the scaling configuration deploys the chat service in a sandbox and signals SUCCESS through its own handle', async () => {
  const { app, stack } = chatStackWithScalingGroup();
  const template = synthTemplate(app, stack) as TemplateDocument;
  const parameters = { Password: PASSWORD };
  // Slb.IpAddress: the stack's balancer's address, a name of the instances' TLS certificate (issue 15).
  const attributes = { 'EssWaitConditionHandle.CurlCli': DEFAULT_CURL_CLI, 'WaitConditionHandle.CurlCli': DEFAULT_CURL_CLI, 'Slb.IpAddress': STAND_IN_LOAD_BALANCER_ADDRESS };
  const resolver = new IntrinsicResolver({ template, parameters, attributes });
  const userData = resolver.resolveString(resolver.resolveResourceProperty('EssScalingConfiguration', 'UserData'), 'Resources.EssScalingConfiguration.Properties.UserData');
  const runCommand = renderRunCommandScript({ template, parameters, attributes });

  // As user data (cloud-init runs it once, as root, at first boot): here, the rehearsal sandbox.
  const r = await runRehearsal({ script: userData, probe: { port: 5000, userName: 'admin', password: PASSWORD, tlsCertificate: '/etc/nginx/tls/5000.crt' }, secrets: [PASSWORD] });
  expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
  expect(r.exitCode).toBe(0);
  expect(r.probe).toMatchObject({ noCredentials: '401', wrongPassword: '401', withCredentials: '200', body: 'stand-in app ok\n' });
  expect(r.probe?.tls?.plainHttp).toBe('301 https://127.0.0.1:5000/');
  // The health endpoint for the balancer the group attaches to answers as on a RunCommand instance.
  expect(r.deployLog).toMatch(/\/healthz on port 8008 answers 200 \(the app is up\)/);
  expect(r.output).not.toContain(PASSWORD);
  expect(r.deployLog).not.toContain(PASSWORD);
  // The same script as the RunCommand's, byte for byte, once both handles resolve to the same command.
  expect(userData).toBe(runCommand);
});
