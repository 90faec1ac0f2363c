import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { DeployScript, DeployScriptRunCommand, ScriptCommands, WaitConditionCallback } from '../../lib';
import { ScriptEncoding } from '../../lib/script/deploy-script';

function scriptWith(commands: string[]) {
  const app = new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-sub-')), stackTraces: false });
  const stack = new ros.Stack(app, 'S');
  const callback = new WaitConditionCallback(stack, 'Signal');
  return new DeployScript({ signal: callback, encoding: ScriptEncoding.PLAIN }).addParts(new ScriptCommands({ description: 'step', commands }));
}

describe('DeployScript and Fn::Sub escaping', () => {
  test("bash's own ${x} is written as ${!x}, so ROS leaves it to bash", () => {
    const { body } = scriptWith(['echo "${HOME}"']).render();
    expect(body).toContain('echo "${!HOME}"');
    expect(body).not.toMatch(/\$\{HOME\}/);
  });

  test('a ${ nested inside ${...} throws: Fn::Sub would end the escape at the first }', () => {
    expect(() => scriptWith(['echo "${a:-${b}}"']).render()).toThrow(/nests '\$\{' inside '\$\{\.\.\.\}' near '\$\{a:-\$\{'/);
  });

  test('the rendered preamble and trap have no nested ${', () => {
    const { body } = scriptWith(['true']).render();
    expect(body).not.toMatch(/\$\{[^}]*\$\{/);
    expect(body).not.toMatch(/\$\{!?[a-z_]+:-[^}]*\$\{/);
  });
});

describe('DeployScriptRunCommand and the wait', () => {
  test('a RunCommand allowed to run longer than its signal is waited for throws at synth', () => {
    const app = new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-wait-')), stackTraces: false });
    const stack = new ros.Stack(app, 'S');
    const callback = new WaitConditionCallback(stack, 'Signal', { startupMarginSeconds: 10 });
    const script = new DeployScript({ signal: callback }).addParts(new ScriptCommands({ description: 'step', commands: ['true'] }));
    new DeployScriptRunCommand(stack, 'Run', { script, instanceIds: ['i-1'], timeoutMarginSeconds: 60 });
    // budget: overhead 60 + signal delivery 360 + step 60 = 480; the wait: 480 + 10
    expect(() => app.synth()).toThrow(/\[S\/Run\] DeployScriptRunCommand: the RunCommand may run 540s \(script budget 480s \+ timeoutMarginSeconds 60s\) but its signal is only waited for 490s/);
  });
});
