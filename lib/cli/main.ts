#!/usr/bin/env node
import { CliIo, processIo, runLint } from './lint';

/** A subcommand of the `ros-cdk-qwen-chat` command line: gets its arguments, returns the exit code. */
export type CliCommand = (args: readonly string[], io: CliIo) => number | Promise<number>;

/**
 * The subcommands, by name. To add one, write `lib/cli/<name>.ts` exporting a `CliCommand` and add it here.
 */
export const CLI_COMMANDS: Readonly<Record<string, { readonly run: CliCommand; readonly summary: string }>> = {
  lint: { run: runLint, summary: 'check ROS templates (JSON/YAML) with the template rule pack' },
};

function usage(): string {
  const lines = Object.entries(CLI_COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: ros-cdk-qwen-chat COMMAND [ARGS...]', 'commands:', ...lines].join('\n');
}

/** Runs the command line `argv` (without `node` and the script) and returns the exit code (2 for a usage error). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = CLI_COMMANDS[name];
  if (!command) {
    io.err(`ros-cdk-qwen-chat: unknown command '${name}'. Choose one of: ${Object.keys(CLI_COMMANDS).join(', ')}`);
    return 2;
  }
  return command.run(rest, io);
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ros-cdk-qwen-chat: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
