/**
 * Shell quoting helpers used by the script parts. Internal: not exported from the package.
 */

/** Names of the deploy script runtime's own functions and variables start with this (ScriptValue refuses it). */
export const RUNTIME_PREFIX = 'ds_';

/** Quote a literal (known at synth time) for bash: `it's` -> `'it'\''s'`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A literal as one bash word: as is when it needs no quoting, else {@link shellQuote}d. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : shellQuote(value);
}

/** `UserName` -> `user_name`; `CurlCli` -> `curl_cli`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * `ds_write FILE MODE` reading the content on stdin: the file is written whole, through a temporary
 * file beside it and a rename, so a half-written file is never left in place.
 */
export function renderWriteFunction(): string {
  return [
    'ds_write() { install -d -m 0755 "$(dirname "$1")"; cat > "$1.ds-tmp"; chmod "${2:-0644}" "$1.ds-tmp"; mv -f "$1.ds-tmp" "$1"; }',
  ].join('\n');
}

/**
 * `ds_write` with a quoted heredoc, so bash expands nothing in the content. The delimiter changes
 * when a content line equals it.
 */
export function writeFileCommands(path: string, content: string, mode: string): string {
  let delimiter = 'DS_EOF';
  for (let i = 1; content.split('\n').includes(delimiter); i++) {
    delimiter = `DS_EOF_${i}`;
  }
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `ds_write ${path}${mode === '0644' ? '' : ` ${mode}`} <<'${delimiter}'\n${body}${delimiter}`;
}

/** True when `path` is absolute and made only of characters that need no quoting anywhere. */
export function isSafeAbsolutePath(path: string): boolean {
  return /^\/[A-Za-z0-9_@+=:,./-]*$/.test(path) && !path.split('/').includes('..');
}

/** True when `name` is a systemd unit name with a suffix (`tongyi.service`, `network-online.target`). */
export function isUnitName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.@-]*\.(service|target|socket|timer|mount|path|slice|scope)$/.test(name);
}
