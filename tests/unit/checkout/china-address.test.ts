/**
 * Mainland Chinese addresses (ORD-1, FUL-1): all 34 provincial-level divisions by full or short
 * name, each in a shipping zone the store knows; the zone derived from the province; CN phone
 * numbers and six-digit postcodes; `region` still accepted alone (existing clients).
 */
import { describe, expect, it } from 'vitest';
import { catalogSettings } from '../../../functions/catalog/stock-contract.ts';
import { isChinesePhone, isChinesePostcode, PROVINCES, provinceOf, shortProvinceName } from '../../../functions/checkout/domain/china-regions.ts';
import { addressIssues, shippingZone } from '../../../functions/checkout/domain/order-request.ts';

const { regions } = catalogSettings({});

describe('provincial-level divisions', () => {
  it('knows all 34, each in a zone the store ships to, by full and short name', () => {
    expect(PROVINCES.size).toBe(34);
    for (const [name, zone] of PROVINCES) {
      expect(regions, name).toContain(zone);
      expect(provinceOf(name)).toEqual({ name, zone });
      expect(provinceOf(shortProvinceName(name))).toEqual({ name, zone });
    }
    expect(new Set([...PROVINCES.keys()].map(shortProvinceName)).size).toBe(34);
  });

  it('derives the zone: 浙江 → east, 新疆维吾尔自治区 → northwest, 广西 → south, 黑龙江省 → northeast, 重庆 → west', () => {
    expect(shippingZone({ province: '浙江' })).toBe('east');
    expect(shippingZone({ province: '新疆维吾尔自治区' })).toBe('northwest');
    expect(shippingZone({ province: '广西' })).toBe('south');
    expect(shippingZone({ province: '黑龙江省' })).toBe('northeast');
    expect(shippingZone({ province: '重庆' })).toBe('west');
    expect(shippingZone({ region: 'central' })).toBe('central');
    expect(provinceOf('加州')).toBeUndefined();
  });
});

describe('address issues', () => {
  const cn = { phone: '+86 138 0013 8000', postalCode: '310012', country: 'CN' };
  it('accepts a province alone, a region alone, or both when they agree', () => {
    expect(addressIssues({ ...cn, province: '浙江省' }, regions)).toEqual([]);
    expect(addressIssues({ ...cn, region: 'east' }, regions)).toEqual([]);
    expect(addressIssues({ ...cn, province: '浙江省', region: 'east' }, regions)).toEqual([]);
  });

  it('refuses an unknown province, a region that contradicts it, or neither — naming the field', () => {
    expect(addressIssues({ ...cn, province: '加州' }, regions).map((i) => i.path)).toEqual(['body.shippingAddress.province']);
    expect(addressIssues({ ...cn, province: '浙江省', region: 'west' }, regions).map((i) => i.path)).toEqual(['body.shippingAddress.region']);
    expect(addressIssues({ ...cn }, regions).map((i) => i.path)).toEqual(['body.shippingAddress.province']);
    expect(addressIssues({ ...cn, region: 'atlantis' }, regions).map((i) => i.path)).toEqual(['body.shippingAddress.region']);
  });

  it('CN addresses need a mainland phone number and a six-digit postcode', () => {
    expect(addressIssues({ province: '浙江', phone: '+1 415 555 0100', postalCode: '94105', country: 'CN' }, regions).map((i) => i.path)).toEqual([
      'body.shippingAddress.phone',
      'body.shippingAddress.postalCode',
    ]);
    expect(addressIssues({ region: 'east', phone: '+1 415 555 0100', postalCode: '94105', country: 'US' }, regions)).toEqual([]);
    for (const phone of ['13800138000', '+86 138 0013 8000', '+86-199-1234-5678', '0571-87654321', '010 12345678']) expect(isChinesePhone(phone), phone).toBe(true);
    for (const phone of ['12800138000', '1380013800', '+1 415 555 0100', '571-87654321']) expect(isChinesePhone(phone), phone).toBe(false);
    expect(isChinesePostcode('310012')).toBe(true);
    expect(isChinesePostcode('3100')).toBe(false);
  });
});
