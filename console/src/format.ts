/** Display formats: money from integer fen (exact, BigInt-free string arithmetic), rates, dates. */
import { lang } from './i18n.ts';

/** ¥1,234.56 from 123456 fen; exact for any safe integer. */
export function money(fen: number | null | undefined, currency = 'CNY'): string {
  if (fen === null || fen === undefined) return '—';
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  const symbol = currency === 'CNY' ? '¥' : `${currency} `;
  return `${negative ? '-' : ''}${symbol}${yuan}.${cents}`;
}

export function rate(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${(value * 100).toFixed(1)}%`;
}

export function num(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString(lang.get(), { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang.get(), { dateStyle: 'short', timeStyle: 'short' });
}

/** "1 h 05 m" / "3 m 20 s" from milliseconds (absolute). */
export function duration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h >= 24) return `${Math.floor(h / 24)} d ${h % 24} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} m`;
  return `${m} m ${String(sec).padStart(2, '0')} s`;
}

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
