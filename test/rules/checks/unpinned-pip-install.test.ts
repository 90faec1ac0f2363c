import { unpinnedPipInstall } from '../../../lib/rules/checks/unpinned-pip-install';
import { scriptTemplate } from '../rule-test-helpers';

const check = unpinnedPipInstall.check.bind(unpinnedPipInstall);

describe('unpinned-pip-install', () => {
  test('unpinned and range-pinned packages are findings, listing each', () => {
    const f = check(scriptTemplate('pip3 install -U gradio "transformers>=4.32" torch==2.0.1\npython3 -m pip install --upgrade pip\n'));
    expect(f.map((x) => x.message.replace(/ \(line.*/, ''))).toEqual([
      'CommandContent runs pip install with unpinned gradio, transformers>=4.32',
      'CommandContent runs pip install with unpinned pip',
    ]);
    expect(f[0].fix).toMatch(/gradio==X\.Y\.Z/);
  });

  test('exact pins, requirement files, local paths and other commands pass', () => {
    expect(check(scriptTemplate('pip install gradio==3.41.2 "torch==2.0.1"\npip install -r requirements.txt --require-hashes\npip install ./wheel/x-1.0-py3-none-any.whl\npip download gradio\napt-get install -y python3-pip\n'))).toEqual([]);
  });
});
