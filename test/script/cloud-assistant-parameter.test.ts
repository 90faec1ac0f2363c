/** Issue 15: a deploy-time value Cloud Assistant puts in ({{oos-secret:NAME}}), and the RunCommand that then runs with EnableParameter. */
import * as ros from '@alicloud/ros-cdk-core';
import { DeployScript, ScriptEncoding } from '../../lib/script/deploy-script';
import { DeployScriptRunCommand } from '../../lib/script/deploy-script-run-command';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { ScriptValue, ScriptValueEncoding } from '../../lib/script/script-value';
import { OosSecretParameter } from '../../lib/secrets/oos-secret-parameter';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { renderRunCommandScript } from '../../lib/ros/resolver';
import { newApp, synthTemplate } from './script-test-support';

const CURL = 'curl -sS -X POST http://127.0.0.1:8099/signal';

function fixture(content: string, encoding?: ScriptEncoding, withSecret = true) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const param = new ros.RosParameter(stack, 'ApiKey', { type: ros.RosParameterType.STRING, noEcho: true });
  const secret = new OosSecretParameter(stack, 'KeySecret', { value: param.valueAsString, nameSuffix: 'api-key' });
  const key = ScriptValue.fromCloudAssistantParameter('ApiKey', secret.commandReference, { maxBytes: 64 });
  const script = new DeployScript({ signal: new WaitConditionCallback(stack, 'Signal'), encoding });
  script.addParts(
    new ScriptFile({ path: '/etc/demo.conf', content }),
    new ScriptCommands({ description: 'use the key', commands: ['printf \'%s\' "$api_key" > /run/key'], values: withSecret ? [key] : [] }),
  );
  new DeployScriptRunCommand(stack, 'Deploy', { script, instanceIds: ['i-1'] });
  return { app, stack, key };
}

describe('ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER', () => {
  test('a secret value named <name>Reference, read from a quoted here-document with IFS= read -r', () => {
    const { app, stack, key } = fixture('demo\n');
    expect(key.encoding).toBe(ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER);
    expect(key.secret).toBe(true);
    expect(key.subVariable).toBe('ApiKeyReference');
    expect(key.maxSubstitutedBytes).toBe(64);
    const t = synthTemplate(app, stack);
    const run = t.Resources.InstanceRunCommand.Properties;
    expect(run.EnableParameter).toBe(true);
    expect(run.CommandContent['Fn::Sub'][0]).toContain("IFS= read -r api_key <<'DS_EOF'\n${ApiKeyReference}\nDS_EOF\n");
    expect(run.CommandContent['Fn::Sub'][1].ApiKeyReference).toEqual({ 'Fn::Join': ['', ['{{oos-secret:', { 'Fn::GetAtt': ['SecretParameter', 'SecretParameterName'] }, '}}']] });
    // As the instance runs it: the key from the stand-in OOS store, whatever its characters.
    const key2 = "k'$(id)`x\"";
    const script = renderRunCommandScript({ template: t, parameters: { ApiKey: key2 }, attributes: { 'WaitConditionHandle.CurlCli': CURL } });
    expect(script).toContain(`IFS= read -r api_key <<'DS_EOF'\n${key2}\nDS_EOF\n`);
  });

  test('a parameter cannot use it (its value is no reference)', () => {
    const stack = new ros.Stack(newApp(), 'S');
    const p = new ros.RosParameter(stack, 'P', { type: ros.RosParameterType.STRING });
    expect(() => ScriptValue.fromParameter(p, { encoding: ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER })).toThrow(/cannot use ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER/);
  });

  test('without such a value the RunCommand has no EnableParameter, and {{ in the script is left alone', () => {
    const { app, stack } = fixture('{{ not a parameter }}\n', undefined, false);
    expect(synthTemplate(app, stack).Resources.InstanceRunCommand.Properties.EnableParameter).toBeUndefined();
  });

  test.each([[ScriptEncoding.GZIP_BASE64], [ScriptEncoding.PLAIN]])('with EnableParameter, any other {{ in the script is refused at synth (%s)', (encoding) => {
    const { app } = fixture('template {{ .Values }}\n', encoding);
    expect(() => app.synth()).toThrow(/DeployScriptRunCommand 'S\/Deploy': '\{\{ \.Values \}\}' at line \d+ of the command content would be read by Cloud Assistant as a parameter/);
  });
});
