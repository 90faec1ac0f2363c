import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { QwenApiStack, QwenApiStackProps } from '../lib/qwen-api/qwen-api-stack';
import { renderRunCommandScript } from '../lib/ros/resolver';
import { TemplateDocument } from '../lib/ros/template';
import { DEFAULT_CURL_CLI } from './rendered-deployment';
import { standInPath } from './stand-ins';

/** What a synthesized {@link QwenApiStack} hands to the instance, resolved with deploy-time values. */
export interface RenderedApiDeployment {
  /** The synthesized template. */
  readonly template: TemplateDocument;
  /** The RunCommand script exactly as ROS would substitute it. */
  readonly script: string;
  /** The stack (for its server, proxy and fit). */
  readonly stack: QwenApiStack;
}

/** Props for {@link renderApiDeployment}. */
export interface RenderApiDeploymentProps {
  /** Props of the stack. */
  readonly stackProps?: QwenApiStackProps;
  /**
   * Parameter values; the template's defaults fill the rest.
   * @default { EcsInstanceType: <the first allowed type>, InstancePassword: 'Rehearsal-Pw-1' }
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * The value ROS would give ALIYUN::RandomString's Value (the generated key).
   * @default 'RehearsalGeneratedKey0123456789abcdefGHIJKLmnop'
   */
  readonly generatedKey?: string;
}

/**
 * Synthesizes a {@link QwenApiStack} and resolves its RunCommand script: Fn::FindInMap on the chosen
 * type, Fn::If on the key condition, the generated key as the RandomString's Value.
 */
export function renderApiDeployment(props: RenderApiDeploymentProps = {}): RenderedApiDeployment {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-api-synth-'));
  try {
    const app = new ros.App({ outdir, stackTraces: false });
    const stack = new QwenApiStack(app, 'QwenApiStack', props.stackProps ?? {});
    const template = app.synth().getStackArtifact(stack.artifactId).template as TemplateDocument;
    const script = renderRunCommandScript({
      template,
      parameters: { EcsInstanceType: stack.fit.instanceTypes[0], InstancePassword: 'Rehearsal-Pw-1', ...props.parameters },
      attributes: {
        'WaitConditionHandle.CurlCli': DEFAULT_CURL_CLI,
        'ApiKeyGenerated.Value': props.generatedKey ?? 'RehearsalGeneratedKey0123456789abcdefGHIJKLmnop',
      },
    });
    return { template, script, stack };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Files that make `<pythonPrefix>/bin/python3 -m vllm.entrypoints.openai.api_server` run the stand-in
 * OpenAI-compatible server (rehearsal/stand-ins/openai-server.py) inside the rehearsal sandbox: a venv
 * marker (pyvenv.cfg: the runner links this machine's python3 at the unit's python path) and a `vllm`
 * package whose api_server module runs the stand-in with vLLM's command line. STAND-IN: no vLLM, no GPU.
 * With `failCompletions`, the stand-in answers 500 to every chat completion; with `modelPath`, a stand-in
 * `config.json` there (the unit's user must be able to read the model directory). The stand-in's log
 * (/run/openai-standin.jsonl) must be writable by the unit's user: give it to `runRehearsal` as `writableFiles`.
 */
export function vllmStandInFiles(pythonPrefix: string, options: { failCompletions?: boolean; modelPath?: string } = {}): Record<string, string> {
  const version = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
  if (!/^3\.[0-9]+$/.test(version)) {
    throw new Error('vllmStandInFiles: python3 is missing or gave no version: run `apt-get install -y python3`');
  }
  const pkg = `${pythonPrefix}/lib/python${version}/site-packages/vllm`;
  return {
    [`${pythonPrefix}/pyvenv.cfg`]: 'home = /usr/bin\ninclude-system-site-packages = false\n',
    [`${pkg}/__init__.py`]: '# STAND-IN package for the rehearsal: not vLLM.\n',
    [`${pkg}/entrypoints/__init__.py`]: '',
    [`${pkg}/entrypoints/openai/__init__.py`]: '',
    [`${pkg}/entrypoints/openai/api_server.py`]: [
      '# STAND-IN for the rehearsal: runs the stand-in OpenAI-compatible server with vLLM\'s command line.',
      'import runpy',
      `runpy.run_path(${JSON.stringify(`${pkg}/entrypoints/openai/openai_server_standin.py`)}, run_name="__main__")`,
      '',
    ].join('\n'),
    // A copy inside the sandbox: the unit's own user may not reach this checkout.
    [`${pkg}/entrypoints/openai/openai_server_standin.py`]: fs.readFileSync(standInPath('openai-server.py'), 'utf8'),
    '/run/openai-standin.rehearsal': '',
    // The model directory the unit's user must be able to read (the deploy script checks it): a stand-in file.
    ...(options.modelPath ? { [`${options.modelPath}/config.json`]: '{"_comment": "STAND-IN for the rehearsal: no weights"}\n' } : {}),
    ...(options.failCompletions ? { '/run/openai-standin.fail-completions': '' } : {}),
  };
}
