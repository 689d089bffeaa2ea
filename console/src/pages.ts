/** The console's pages and the staff roles that may use each (the API enforces the same roles). */
import type { MessageKey } from './i18n.ts';

export interface PageDef {
  id: string;
  title: MessageKey;
  roles: readonly string[];
}

export const PAGES: readonly PageDef[] = [
  { id: 'dashboard', title: 'dashboard', roles: ['analyst', 'ops', 'marketer'] },
  { id: 'reviews', title: 'reviews', roles: ['risk-analyst'] },
  { id: 'refunds', title: 'refunds', roles: ['ops', 'cs-agent'] },
  { id: 'tickets', title: 'tickets', roles: ['cs-agent'] },
  { id: 'returns', title: 'returns', roles: ['cs-agent', 'ops'] },
  { id: 'compliance', title: 'compliance', roles: ['admin', 'content-reviewer'] },
  { id: 'stock', title: 'stock', roles: ['ops'] },
  { id: 'audit', title: 'audit', roles: ['admin'] },
];

export function pagesFor(roles: readonly string[]): PageDef[] {
  return PAGES.filter((page) => page.roles.some((role) => roles.includes(role)));
}
