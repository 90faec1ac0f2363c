/**
 * Shell quoting helpers used by the script parts. Internal: not exported from the package.
 */

/** Quote a literal (known at synth time) for bash: `it's` -> `'it'\''s'`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `UserName` -> `user_name`; `CurlCli` -> `curl_cli`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * A quoted heredoc that writes `content` to `path` through a temporary file and a rename, so a
 * half-written file is never left in place. The delimiter is quoted, so bash expands nothing in
 * the content.
 */
export function writeFileCommands(path: string, content: string, mode: string): string {
  let delimiter = 'QWEN_CHAT_EOF';
  for (let i = 1; content.split('\n').includes(delimiter); i++) {
    delimiter = `QWEN_CHAT_EOF_${i}`;
  }
  const body = content.endsWith('\n') ? content : `${content}\n`;
  const dir = path.substring(0, path.lastIndexOf('/')) || '/';
  const tmp = `${path}.qwen-chat-tmp`;
  return [
    `install -d -m 0755 ${shellQuote(dir)}`,
    `cat > ${shellQuote(tmp)} <<'${delimiter}'`,
    `${body}${delimiter}`,
    `chmod ${mode} ${shellQuote(tmp)}`,
    `mv -f ${shellQuote(tmp)} ${shellQuote(path)}`,
  ].join('\n');
}

/** True when `path` is absolute and made only of characters that need no quoting anywhere. */
export function isSafeAbsolutePath(path: string): boolean {
  return /^\/[A-Za-z0-9_@+=:,./-]*$/.test(path) && !path.split('/').includes('..');
}
