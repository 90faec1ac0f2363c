import * as fs from 'fs';
import { QwenModel } from '../../lib/compute/models';
import {
  DEFAULT_PIP_PACKAGES, GPTQ_PIP_PACKAGES, imageBuildScriptPath, renderImageBuildScript,
} from '../../lib/qwen-chat/image-build-script';

describe('renderImageBuildScript', () => {
  test('default rendering equals assets/image-build.sh byte for byte (file and config are one source)', () => {
    expect(renderImageBuildScript()).toBe(fs.readFileSync(imageBuildScriptPath(), 'utf8'));
  });

  test('fills the parameter block from typed props, everything else unchanged', () => {
    const out = renderImageBuildScript({
      model: QwenModel.QWEN_14B_CHAT_INT4, appRevision: 'a1b2c3d', healthTimeoutSeconds: 600,
      modelTarball: { url: 'https://example.com/qwen.tar', sha256: 'a'.repeat(64) },
    });
    expect(out).toContain("param MODEL_ID 'qwen/Qwen-14B-Chat-Int4'\n");
    expect(out).toContain("param APP_REVISION 'a1b2c3d'\n");
    expect(out).toContain("param HEALTH_TIMEOUT '600'\n");
    expect(out).toContain(`param MODEL_TARBALL_SHA256 '${'a'.repeat(64)}'\n`);
    expect(out).toContain(`param PIP_PACKAGES '${[...DEFAULT_PIP_PACKAGES, ...GPTQ_PIP_PACKAGES].join(' ')}'\n`);
    const tail = (s: string) => s.slice(s.indexOf('# <<< parameters'));
    expect(tail(out)).toBe(tail(renderImageBuildScript()));
    expect(out).not.toMatch(/\$\{|\{\{/);
  });

  test('every Python package is pinned with ==', () => {
    for (const p of DEFAULT_PIP_PACKAGES) expect(p).toMatch(/^[A-Za-z0-9._-]+==[0-9]/);
    expect(() => renderImageBuildScript({ pipPackages: ['torch==2.0.1', 'gradio'] }))
      .toThrow(/renderImageBuildScript: pipPackages\[1\] 'gradio' is not allowed; expected a pinned requirement 'name==version'/);
  });

  test('values that could break out of the quotes are refused', () => {
    expect(() => renderImageBuildScript({ appRevision: "main'; rm -rf /" }))
      .toThrow(/appRevision 'main'; rm -rf \/' is not allowed; expected a git commit, tag or branch name/);
    expect(() => renderImageBuildScript({ modelTarball: { url: 'http://x/m.tar', sha256: 'a'.repeat(64) } }))
      .toThrow(/modelTarball.url 'http:\/\/x\/m.tar' is not allowed; expected an https:\/\/ URL/);
    expect(() => renderImageBuildScript({ pythonVersion: '3.11.9' }))
      .toThrow(/pythonVersion '3.11.9' needs pythonSha256/);
    expect(() => renderImageBuildScript({ healthTimeoutSeconds: 5 }))
      .toThrow(/healthTimeoutSeconds 5 must be a whole number of seconds from 10 to 7200/);
  });
});
