import { insecureDownload } from '../../../lib/rules/checks/insecure-download';
import { scriptTemplate } from '../rule-test-helpers';

const check = insecureDownload.check.bind(insecureDownload);

describe('insecure-download', () => {
  test.each([
    ['curl -fsSLk -o /tmp/m.bin https://example.com/m.bin', '-fsSLk'],
    ['curl --insecure https://example.com/', '--insecure'],
    ['sudo wget --no-check-certificate https://example.com/m.bin', '--no-check-certificate'],
    ['pip install --trusted-host mirrors.example.com gradio==3.41.2', '--trusted-host'],
    ['git -c http.sslVerify=false clone https://example.com/r.git', 'http.sslVerify=false'],
    ['GIT_SSL_NO_VERIFY=1 git clone https://example.com/r.git', 'GIT_SSL_NO_VERIFY=1'],
  ])('%s is a finding', (line, flag) => {
    const f = check(scriptTemplate(`#!/bin/bash\n${line}\n`));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(`with ${flag}`);
  });

  test('checked downloads pass (curl -K reads a config, not -k)', () => {
    expect(check(scriptTemplate('curl -fsSL -o /tmp/m https://example.com/m\nwget -q https://example.com/m\nprintf x | curl -K - https://x/\n'))).toEqual([]);
  });
});
