import * as ros from '@alicloud/ros-cdk-core';
import { QWEN_CHAT_PRESETS } from '../../lib/qwen-chat/presets';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { ScriptCommands } from '../../lib/script/script-file';
import { newApp, synthTemplate } from './script-test-support';

/**
 * Issue 11, "room in the script": the stock stack's RunCommand content left at least 6 KB of the 16 KB limit
 * (after base64, with the reserve for the substituted values) for users' parts, and used at most 8 KB: 8132 bytes
 * (Int4 8184), then the signal's per-instance id (8312; Int4 8364) and the pre-flight's per-GPU floor (8456; Int4
 * 8508). Issue 15's TLS by default (the certificate step, the TLS site, the pinned checks, the rate limit) and the
 * secret's reference cost about 1.9 KB more: 10384 bytes used and 6000 left (Int4). Issue 11's 6 KB of room no
 * longer holds. Issue 13 item 5's OS-facing nginx start step (SELinux port and file labels, the site-included
 * check, the workers' group from nginx -T) costs about 810 bytes more: 11192 bytes used and 5192 left (Int4). The
 * bounds below are the measured figures with a little headroom, and a user's 4 KB step still fits (the test after).
 */
const STOCK_SCRIPT_MAX_USED_BYTES = 11264;
const STOCK_SCRIPT_MIN_LEFT_BYTES = 5120;

describe('deploy script size of every preset', () => {
  test.each(QWEN_CHAT_PRESETS.map((p) => [p.stackName, p] as const))(`%s: at most ${STOCK_SCRIPT_MAX_USED_BYTES} bytes used, at least ${STOCK_SCRIPT_MIN_LEFT_BYTES} left`, (_name, preset) => {
    const stack = new QwenChatStack(newApp(), preset.stackName, { model: preset.model });
    const size = stack.runCommand.contentSize();
    expect({ used: size.usedBytes <= STOCK_SCRIPT_MAX_USED_BYTES, left: size.leftBytes >= STOCK_SCRIPT_MIN_LEFT_BYTES, size }).toEqual({ used: true, left: true, size });
    expect(size.limitBytes).toBe(16384);
    // CurlCli (1024 bytes as ROS writes it), UserName (32 bytes) as MIME base64, and the Password's OOS
    // reference (`{{oos-secret:qwen-chat-<stack id>-password}}`, 70 bytes).
    expect(size.reserveBytes).toBe((1024 - '${CurlCli}'.length) + (45 - '${UserNameBase64}'.length) + (70 - '${PasswordReference}'.length));
  });

  test('a user\'s own steps fit in the room left: a step with 4 KB of random letters still synthesizes', () => {
    const app = newApp();
    const stack = new QwenChatStack(app, 'QwenChatStack');
    let x = 7;
    const noise = Array.from({ length: 4096 }, () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return String.fromCharCode(97 + (x % 26));
    }).join('');
    stack.script.addParts(new ScriptCommands({ description: 'my step', commands: [`: ${noise}`] }));
    expect(() => synthTemplate(app, stack)).not.toThrow();
    expect(stack.runCommand.contentSize().leftBytes).toBeGreaterThan(0);
  });
});

test('the measured stack includes the issue 11 parts (pre-flight checks, crash watch)', () => {
  // guard against measuring a stack without the issue 11 parts
  const stack = new QwenChatStack(new ros.App({ outdir: newApp().outdir }), 'S');
  expect(stack.script.render().readable).toContain("ds_step '1/10 pre-flight checks'");
  expect(stack.script.render().readable).toContain('ds_probe http://127.0.0.1:7860/ 200 1800 10 10 tongyi.service');
});
