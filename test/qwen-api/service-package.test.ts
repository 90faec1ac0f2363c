import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { LlmCheckpoint } from '../../lib/models/llm-checkpoint';
import { VllmFit } from '../../lib/models/vllm-fit';
import { QwenApiStack } from '../../lib/qwen-api/qwen-api-stack';
import { qwenApiServicePackage, UBUNTU_22_04_SOURCE_IMAGE } from '../../lib/qwen-api/service-package';
import { validateServicePackage } from '../../lib/computenest/validate-service-package';

const template = { ROSTemplateFormatVersion: '2015-09-01', Resources: {} };

describe('qwenApiServicePackage', () => {
  const fit = VllmFit.of(LlmCheckpoint.QWEN3_8B);

  test('the image is built on Ubuntu 22.04 on a type the fit allows, with that type\'s vLLM flags', () => {
    const pkg = qwenApiServicePackage({ template, fit });
    const builder = pkg.props.imageBuilders![0];
    expect(builder.sourceImageId).toBe(UBUNTU_22_04_SOURCE_IMAGE);
    expect(builder.instanceType).toBe('ecs.gn8is.2xlarge');
    expect(builder.commandContent).toContain("\nparam TENSOR_PARALLEL_SIZE '1'\n");
    expect(builder.commandContent).toContain("\nparam MAX_MODEL_LEN '32768'\n");
    expect(builder.commandContent).toContain("\nparam MODEL_ID 'Qwen/Qwen3-8B'\n");
    // with the real template, the package passes the config cross-checks (builder type fits the model, timeout,
    // content size, no placeholders, the ArtifactRelation key is the template's ImageId)
    const app = new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-api-pkg-')), stackTraces: false });
    const stack = new QwenApiStack(app, 'QwenApiStack');
    const real = qwenApiServicePackage({ template: app.synth().getStackArtifact(stack.artifactId).template, fit: stack.fit });
    expect(() => validateServicePackage(real)).not.toThrow();
  });

  test('a builder type the fit does not allow is refused, naming the allowed ones', () => {
    expect(() => qwenApiServicePackage({ template, fit, builderInstanceType: 'ecs.gn7i-c8g1.2xlarge' }))
      .toThrow(/builderInstanceType 'ecs\.gn7i-c8g1\.2xlarge' cannot run Qwen3-8B \(bf16\) under vLLM; choose one of: ecs\.gn8is\.2xlarge/);
  });

  test('a two-GPU builder builds with TP 2', () => {
    const pkg = qwenApiServicePackage({ template, fit, builderInstanceType: 'ecs.gn7i-c32g1.16xlarge' });
    expect(pkg.props.imageBuilders![0].commandContent).toContain("\nparam TENSOR_PARALLEL_SIZE '2'\n");
  });
});
