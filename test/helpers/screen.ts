/** What a terminal shows after `text`: `\r` returns to the start of the line, ESC[2K clears it. */
export function screen(text: string): string[] {
  const lines: string[] = [''];
  for (const part of text.split(/(\r|\n|\x1b\[2K)/)) {
    if (part === '\n') lines.push('');
    else if (part === '\x1b[2K') lines[lines.length - 1] = '';
    else if (part !== '\r') lines[lines.length - 1] += part;
  }
  return lines;
}
