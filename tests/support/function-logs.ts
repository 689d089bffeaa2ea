/**
 * The error lines of the local cloud's function logs (`<dataDir>/logs/<function>.log`), for a failed
 * end-to-end run: what the functions said went wrong, printed before the run's state is removed.
 * Error lines are the house logger's JSON lines at level ERROR or CRITICAL and the runtime's
 * `Invoke Error` lines (a handler that threw). The logs hold no personal data in clear (the SEC-2
 * sweep of the same directory fails the run if they did).
 */
import fs from 'node:fs';
import path from 'node:path';

/** An error line of a function's log. */
export interface FunctionErrorLine {
  readonly fn: string;
  readonly line: string;
}

const isErrorLine = (line: string): boolean => {
  if (line.startsWith('{')) {
    try {
      const level = (JSON.parse(line) as { level?: unknown }).level;
      return level === 'ERROR' || level === 'CRITICAL';
    } catch {
      return false;
    }
  }
  return /\tERROR\tInvoke Error\b/.test(line);
};

/** The last `perFunction` error lines of each function's log under `logDir`, each cut to `maxChars`. */
export function functionErrorLines(logDir: string, options: { perFunction?: number; maxChars?: number } = {}): FunctionErrorLine[] {
  const perFunction = options.perFunction ?? 5;
  const maxChars = options.maxChars ?? 1_500;
  if (!fs.existsSync(logDir)) return [];
  const out: FunctionErrorLine[] = [];
  for (const file of fs.readdirSync(logDir).sort()) {
    if (!file.endsWith('.log')) continue;
    const fn = file.slice(0, -'.log'.length);
    const lines = fs.readFileSync(path.join(logDir, file), 'utf8').split('\n').filter(isErrorLine);
    for (const line of lines.slice(-perFunction)) out.push({ fn, line: line.length > maxChars ? `${line.slice(0, maxChars)} …` : line });
  }
  return out;
}

/**
 * The logger's warnings that it dropped a key a log call passed: Powertools' Logger owns `level`,
 * `message`, `timestamp`, `service` and a few more, and drops a custom key of the same name with a
 * WARN line, so the field is lost from every such line (fraud's `order assessed` once lost its risk
 * level this way, and warned at every assessment). The e2e suite fails when any function logged one.
 */
export function droppedLogKeys(logDir: string): { fn: string; key: string; lines: number }[] {
  if (!fs.existsSync(logDir)) return [];
  const out: { fn: string; key: string; lines: number }[] = [];
  for (const file of fs.readdirSync(logDir).sort()) {
    if (!file.endsWith('.log')) continue;
    const counts = new Map<string, number>();
    for (const line of fs.readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      if (!line.startsWith('{') || !line.includes('is a reserved key')) continue;
      try {
        const { level, message } = JSON.parse(line) as { level?: unknown; message?: unknown };
        const key = level === 'WARN' && typeof message === 'string' ? /^The key "(.+)" is a reserved key and will be dropped\.$/.exec(message)?.[1] : undefined;
        if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
      } catch {
        // not a logger line
      }
    }
    for (const [key, lines] of counts) out.push({ fn: file.slice(0, -'.log'.length), key, lines });
  }
  return out;
}
