import { execFileSync } from 'child_process';
import { rosBase64Encode } from '../../lib/ros/resolver';
import { requireTool } from '../support/tools';

describe('rosBase64Encode against real encoders (ROS Fn::Base64Encode is MIME style)', () => {
  test('same text as python base64.encodebytes, and coreutils base64 -d decodes it', () => {
    requireTool('python3', 'python3');
    requireTool('base64', 'coreutils');
    const text = 'x'.repeat(200) + '\u00e9\n$(id)';
    const py = execFileSync('python3', ['-c', 'import base64,sys; sys.stdout.write(base64.encodebytes(sys.stdin.buffer.read()).decode())'], { input: text }).toString();
    const out = rosBase64Encode(text);
    expect(out).toBe(py);
    expect(execFileSync('base64', ['-d'], { input: out }).toString()).toBe(text);
  });
});
