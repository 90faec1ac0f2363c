import { formatFinding } from '../rules/engine/finding';
import { lintTemplate } from '../rules/rule-pack';
import { readTemplateFile } from '../ros/template';

/** Where a CLI command writes; tests and other front ends can capture it. */
export interface CliIo {
  /** Writes one line of normal output. */
  out(line: string): void;
  /** Writes one line of diagnostics. */
  err(line: string): void;
}

/** The process's stdout / stderr. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Usage text of `lint`. */
export const LINT_USAGE = 'usage: ros-cdk-qwen-chat lint FILE... (ROS templates, JSON or YAML)';

/**
 * `ros-cdk-qwen-chat lint FILE...`: runs the template rule pack over each file and prints one line per finding
 * (`FILE: <rule-id> <resource|parameter|output|template> <target>: <explanation> Fix: <fix>`), then a summary per file.
 * Returns the exit code: 0 when no unsuppressed finding remains, 1 when some does, 2 when a file cannot be read or
 * parsed (or no file is given).
 */
export function runLint(args: readonly string[], io: CliIo = processIo): number {
  if (args.includes('-h') || args.includes('--help')) {
    io.out(LINT_USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length > 0 || args.length === 0) {
    io.err(unknown.length > 0 ? `lint: unknown option ${unknown[0]}` : 'lint: no template given');
    io.err(LINT_USAGE);
    return 2;
  }
  let unreadable = false;
  let failed = false;
  for (const file of args) {
    let template;
    try {
      template = readTemplateFile(file);
    } catch (e) {
      io.err(`lint: ${(e as Error).message}`);
      unreadable = true;
      continue;
    }
    const result = lintTemplate(template);
    for (const f of result.findings) io.out(`${file}: ${formatFinding(f)}`);
    for (const s of result.suppressed) io.err(`${file}: suppressed ${s.finding.ruleId} ${s.finding.target}: ${s.suppression.reason}`);
    io.out(`${file}: ${result.findings.length} finding(s), ${result.suppressed.length} suppressed`);
    if (result.findings.length > 0) failed = true;
  }
  return unreadable ? 2 : failed ? 1 : 0;
}
