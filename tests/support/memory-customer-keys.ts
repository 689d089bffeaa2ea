import type { CustomerKeyState, CustomerKeyStore } from '../../shared/customer-keys.ts';

/** The keyring table in memory, with the conditional writes of the DynamoDB store; `get` answers late (what it read before yielding), so concurrent callers race. */
export class MemoryKeyStore implements CustomerKeyStore {
  readonly items = new Map<string, { keys: Map<string, Uint8Array>; erasedAt?: string }>();
  /** Writes that stored keys (one per create, one per createTogether). */
  creates = 0;

  async get(customerId: string, entity: string): Promise<CustomerKeyState> {
    const item = this.items.get(customerId);
    const state: CustomerKeyState = item?.erasedAt ? { erasedAt: item.erasedAt } : item?.keys.get(entity) ? { edk: item.keys.get(entity)! } : undefined;
    await new Promise((resolve) => setImmediate(resolve));
    return state;
  }

  async create(customerId: string, entity: string, edk: Uint8Array): Promise<NonNullable<CustomerKeyState>> {
    const item = this.items.get(customerId) ?? { keys: new Map<string, Uint8Array>() };
    this.items.set(customerId, item);
    if (item.erasedAt) return { erasedAt: item.erasedAt };
    const existing = item.keys.get(entity);
    if (existing) return { edk: existing };
    this.creates += 1;
    item.keys.set(entity, edk);
    return { edk };
  }

  async createTogether(customerId: string, keys: ReadonlyArray<{ entity: string; edk: Uint8Array }>): Promise<boolean> {
    const item = this.items.get(customerId) ?? { keys: new Map<string, Uint8Array>() };
    if (item.erasedAt || keys.some(({ entity }) => item.keys.has(entity))) return false;
    this.items.set(customerId, item);
    this.creates += 1;
    for (const { entity, edk } of keys) item.keys.set(entity, edk);
    return true;
  }

  async erase(customerId: string, erasedAt: string) {
    const first = this.items.get(customerId)?.erasedAt ?? erasedAt;
    this.items.set(customerId, { keys: new Map(), erasedAt: first });
    return { erasedAt: first };
  }
}
