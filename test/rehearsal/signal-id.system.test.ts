/**
 * Issue 11: each instance's signal carries a stable id (the ECS instance id from the metadata service, else
 * `host-<host name>`), so ROS, which keeps one signal per id and numbers id-less ones
 * (https://help.aliyun.com/document_detail/48503.html), counts a re-sent signal once and tells two instances
 * apart. Rehearsed in namespace sandboxes with a STAND-IN metadata service (100.100.100.200 in a network
 * namespace linked to the sandbox's) and the STAND-IN CurlCli receiver; ROS itself is modelled by `signalsAsRosKeepsThem`.
 */
import * as os from 'os';
import * as ros from '@alicloud/ros-cdk-core';
import { DeployScript } from '../../lib/script/deploy-script';
import { ScriptCommands } from '../../lib/script/script-file';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { DEFAULT_CURL_CLI, renderDeployment } from '../../rehearsal/rendered-deployment';
import { runRehearsal, signalsAsRosKeepsThem } from '../../rehearsal/rehearsal-runner';
import { newApp, substituteBody } from '../script/script-test-support';
import { expectRehearsal } from './rendered-artifacts';

jest.setTimeout(180000);

/** A one-step script with the stack's signal function, signalling the stand-in receiver. */
function oneStepScript(): string {
  const stack = new ros.Stack(newApp(), 'S');
  const script = new DeployScript({ signal: new WaitConditionCallback(stack, 'Signal') })
    .addParts(new ScriptCommands({ description: 'the step', commands: ['true'] }));
  return substituteBody(script.render().body, { CurlCli: DEFAULT_CURL_CLI });
}

/** The id the script falls back to here: `host-` and this machine's host name, cut to the safe characters. */
const HOST_ID = `host-${os.hostname().replace(/[^A-Za-z0-9._-]/g, '').slice(0, 59)}`;

describe('the signal id', () => {
  test('two sandboxes running the stock stack\'s script (two instances): two SUCCESS signals with two ids, both kept', async () => {
    const script = renderDeployment({ parameters: { Password: 'Rehearsal-Pw-7' } }).script;
    const runs = await Promise.all([runRehearsal({ script }), runRehearsal({ script })]);
    for (const r of runs) {
      expectRehearsal(r, () => {
        expect(r.signals.map((s) => [s.status, s.replied])).toEqual([['SUCCESS', true]]);
        // the id its stand-in metadata service gave (an ECS-like id of that sandbox)
        expect(r.signals[0].id).toMatch(/^i-rehearsal[0-9a-f]{8}$/);
      });
    }
    const all = runs.flatMap((r) => r.signals);
    expect(new Set(all.map((s) => s.id)).size).toBe(2);
    // a WaitCondition with Count 2 is satisfied by these two (and would be by no single instance)
    expect(signalsAsRosKeepsThem(all).size).toBe(2);
  });

  test('a signal whose reply was lost is sent again with the same id: ROS keeps it once', async () => {
    const r = await runRehearsal({ script: oneStepScript(), instanceId: 'i-bp13znx0m0me8cquu', lostSignalReplies: 1 });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => [s.status, s.id, s.replied])).toEqual([
        ['SUCCESS', 'i-bp13znx0m0me8cquu', false],
        ['SUCCESS', 'i-bp13znx0m0me8cquu', true],
      ]);
      expect(r.exitCode).toBe(0);
      expect(r.output).toMatch(/curl: \(52\) Empty reply from server\n.*signal SUCCESS delivered\n$/);
      expect([...signalsAsRosKeepsThem(r.signals).keys()]).toEqual(['i-bp13znx0m0me8cquu']);
      // the same two posts without an id (the script before the id) would count as two signals
      expect(signalsAsRosKeepsThem(r.signals.map((s) => ({ ...s, id: '' }))).size).toBe(2);
    });
  });

  test.each([
    ['no metadata service', ''],
    ['a metadata answer that is not an instance id', '<html>"; rm -rf / #'],
    ['an over-long id', `i-${'a'.repeat(63)}`],
  ])('%s: the id is host- and the host name, cut to safe characters', async (_label, instanceId) => {
    const r = await runRehearsal({ script: oneStepScript(), instanceId });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => [s.status, s.id])).toEqual([['SUCCESS', HOST_ID]]);
      expect(JSON.parse(r.signals[0].body)).toEqual({
        status: 'SUCCESS', reason: 'all 1 steps and health checks passed', id: HOST_ID, data: 'all 1 steps and health checks passed',
      });
    });
  });
});
