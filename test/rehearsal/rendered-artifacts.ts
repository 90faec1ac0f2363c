import { RenderedDeployment, renderDeployment } from '../../rehearsal/rendered-deployment';
import { RehearsalResult } from '../../rehearsal/rehearsal-runner';

let cached: RenderedDeployment | undefined;

/** The default QwenChatStack's rendered deployment (synthesized once per test file). */
export function renderedArtifacts(): RenderedDeployment {
  cached ??= renderDeployment();
  return cached;
}

/** What a rehearsal did, for a failure message: exit, signals, the deploy log, stand-in calls, the script's output. */
export function explain(r: RehearsalResult): string {
  return [
    `exit ${r.exitCode} in ${r.durationMs} ms; signals ${JSON.stringify(r.signals.map((s) => ({ status: s.status, atMs: s.atMs, reason: s.reason })))}`,
    '--- deploy log', r.deployLog,
    '--- systemctl stand-in', r.systemctlCalls.join('\n'),
    '--- journal', JSON.stringify(r.journal),
    '--- output', r.output,
    '--- sandbox', r.wrapperOutput,
  ].join('\n');
}

/**
 * Runs `assertions`; when one fails, its message gets what the rehearsal did. Tests print nothing
 * otherwise: rehearsal output only on failure.
 */
export function expectRehearsal(r: RehearsalResult, assertions: () => void): void {
  try {
    assertions();
  } catch (e) {
    (e as Error).message += `\n\nrehearsal:\n${explain(r)}`;
    throw e;
  }
}
