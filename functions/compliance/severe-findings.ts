/** The metric every scan function emits: findings it opened (or re-opened) at `high` or `critical` (CMP-1); an alarm per scan watches it. */
export const SEVERE_FINDINGS_METRIC = 'SevereComplianceFindingsOpened';
