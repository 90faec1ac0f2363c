import * as fs from 'fs';
import { formatFinding } from '../rules/engine/finding';
import { lintTemplate } from '../rules/rule-pack';
import { TEMPLATE_BODY_MAX_BYTES, TEMPLATE_FILE_MAX_BYTES } from '../ros/limits';
import { parseTemplateText, readTemplateFileText, TemplateDocument } from '../ros/template';

/** Where a CLI command reads and writes; tests and other front ends give their own. */
export interface CliIo {
  /** Writes one line of normal output. */
  out(line: string): void;
  /** Writes one line of diagnostics. */
  err(line: string): void;
  /**
   * Reads standard input: all of it, or the first `maxBytes + 1` bytes when it is longer (the caller refuses it
   * then), never more.
   */
  readStdin(maxBytes: number): Promise<Buffer>;
}

/** Reads at most `maxBytes + 1` bytes of `stream`, then stops reading it. */
export function readBounded(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', finish);
      stream.removeListener('error', onError);
      stream.pause();
      resolve(Buffer.concat(chunks, length).subarray(0, maxBytes + 1));
    };
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(b);
      length += b.length;
      if (length > maxBytes) finish();
    };
    const onError = (e: Error) => reject(e);
    stream.on('data', onData);
    stream.on('end', finish);
    stream.on('error', onError);
    stream.resume();
  });
}

/** The process's stdout, stderr and stdin. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async (maxBytes) => {
    try {
      return await readBounded(process.stdin, maxBytes);
    } finally {
      // Nothing more is read from it; an endless input (< /dev/zero) must not keep the process alive.
      process.stdin.destroy();
    }
  },
};

/** Usage text of `lint`. */
export const LINT_USAGE = [
  'usage: ros-cdk-qwen-chat lint [--] FILE...',
  '  Checks ROS templates (JSON or YAML) with the template rule pack. FILE - reads standard input.',
  `  A template must be a regular file of at most ${TEMPLATE_FILE_MAX_BYTES} bytes (ROS itself takes ${TEMPLATE_BODY_MAX_BYTES}).`,
  '  Exit 0: no finding; 1: findings; 2: a file cannot be read or parsed, or a usage error.',
  '  -h, --help (only as the sole argument) prints this; -- ends options (for a file named like one).',
].join('\n');

/** The name stdin gets in messages. */
const STDIN_NAME = '<stdin>';

/**
 * `ros-cdk-qwen-chat lint [--] FILE...`: runs the template rule pack over each file and prints one line per finding
 * (`FILE: <rule-id> <resource|parameter|output|template> <target>: <explanation> Fix: <fix>`), then a summary per
 * file. `-` reads standard input. Every input is bounded: a regular file (a FIFO, device or directory is refused
 * before it is read) of at most TEMPLATE_FILE_MAX_BYTES (standard input likewise), with duplicate keys refused in
 * JSON as in YAML. Resolves to the exit code: 0 when no unsuppressed finding remains, 1 when some does, 2 when an
 * input cannot be read or parsed, or on a usage error.
 */
export async function runLint(args: readonly string[], io: CliIo = processIo): Promise<number> {
  if (args.length === 1 && (args[0] === '-h' || args[0] === '--help')) {
    io.out(LINT_USAGE);
    return 0;
  }
  const files: string[] = [];
  let optionsEnded = false;
  for (const a of args) {
    if (!optionsEnded && a === '--') {
      optionsEnded = true;
    } else if (!optionsEnded && a.startsWith('-') && a !== '-' && !fs.existsSync(a)) {
      // An existing file named like an option is a file (a glob may produce one); anything else is a mistake.
      io.err(`lint: unknown option ${a}: lint takes no options (-h/--help only as the sole argument); write -- before a file whose name starts with -`);
      io.err(LINT_USAGE);
      return 2;
    } else {
      files.push(a);
    }
  }
  if (files.length === 0) {
    io.err('lint: no template given');
    io.err(LINT_USAGE);
    return 2;
  }
  if (files.filter((f) => f === '-').length > 1) {
    io.err('lint: - (standard input) given more than once; it can be read once');
    return 2;
  }
  let unreadable = false;
  let failed = false;
  for (const file of files) {
    const name = file === '-' ? STDIN_NAME : file;
    let template: TemplateDocument;
    let result;
    try {
      template = parseTemplateText(file === '-' ? await readStdinText(io) : readTemplateFileText(file), name);
      result = lintTemplate(template);
    } catch (e) {
      io.err(`lint: ${(e as Error).message}`);
      unreadable = true;
      continue;
    }
    for (const f of result.findings) io.out(`${name}: ${formatFinding(f)}`);
    for (const s of result.suppressed) io.err(`${name}: suppressed ${s.finding.ruleId} ${s.finding.target}: ${s.suppression.reason}`);
    io.out(`${name}: ${result.findings.length} finding(s), ${result.suppressed.length} suppressed`);
    if (result.findings.length > 0) failed = true;
  }
  return unreadable ? 2 : failed ? 1 : 0;
}

async function readStdinText(io: CliIo): Promise<string> {
  let data: Buffer;
  try {
    data = await io.readStdin(TEMPLATE_FILE_MAX_BYTES);
  } catch (e) {
    throw new Error(`${STDIN_NAME}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (data.length > TEMPLATE_FILE_MAX_BYTES) {
    throw new Error(`${STDIN_NAME}: over the ${TEMPLATE_FILE_MAX_BYTES}-byte limit for a template (ROS itself takes at most ${TEMPLATE_BODY_MAX_BYTES}); stopped reading`);
  }
  return data.toString('utf8');
}
