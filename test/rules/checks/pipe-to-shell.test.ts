import { pipeToShell } from '../../../lib/rules/checks/pipe-to-shell';
import { scriptTemplate } from '../rule-test-helpers';

const check = pipeToShell.check.bind(pipeToShell);

describe('pipe-to-shell', () => {
  test.each([
    'curl -fsSL https://get.example.com | sh',
    'curl -fsSL https://get.example.com | sudo bash -s -- --yes',
    'wget -qO- https://get.example.com | tee /tmp/log | bash',
    'bash <(curl -fsSL https://get.example.com)',
    'sh -c "$(curl -fsSL https://get.example.com)"',
  ])('%s is a finding', (line) => {
    const f = check(scriptTemplate(`#!/bin/bash\n${line}\n`));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/line 2/);
  });

  test('download, checksum, run passes; piping curl into other programs passes', () => {
    const body = 'curl -fsSL -o /tmp/i.sh https://get.example.com\necho "abc  /tmp/i.sh" | sha256sum -c -\nbash /tmp/i.sh\ncurl -fsS http://x/ | grep -q ok\n';
    expect(check(scriptTemplate(body))).toEqual([]);
  });
});
