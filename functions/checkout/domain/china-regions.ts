/**
 * Mainland Chinese addresses (ORD-1, FUL-1): shoppers write `province`, `city`, `district` as on an
 * envelope; the platform derives the shipping zone (`region`) that pricing and allocation use, so
 * no shopper has to know that Zhejiang is "east". All 34 provincial-level divisions are known, by
 * their full name (浙江省, 广西壮族自治区, 北京市, 香港特别行政区) or their short name (浙江, 广西,
 * 北京, 香港). Pure.
 */

/** The shipping zones (catalog's regions) and the provincial-level divisions each covers. */
const ZONES: Readonly<Record<string, readonly string[]>> = {
  north: ['北京市', '天津市', '河北省', '山西省', '内蒙古自治区'],
  northeast: ['辽宁省', '吉林省', '黑龙江省'],
  east: ['上海市', '江苏省', '浙江省', '安徽省', '福建省', '江西省', '山东省', '台湾省'],
  central: ['河南省', '湖北省', '湖南省'],
  south: ['广东省', '广西壮族自治区', '海南省', '香港特别行政区', '澳门特别行政区'],
  west: ['重庆市', '四川省', '贵州省', '云南省', '西藏自治区'],
  northwest: ['陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区'],
};

/** Every provincial-level division's full name, with its zone. */
export const PROVINCES: ReadonlyMap<string, string> = new Map(Object.entries(ZONES).flatMap(([zone, names]) => names.map((name) => [name, zone] as const)));

const SUFFIXES = ['维吾尔自治区', '壮族自治区', '回族自治区', '特别行政区', '自治区', '省', '市'];

/** The short name of a division: 浙江省 → 浙江, 广西壮族自治区 → 广西. */
export function shortProvinceName(name: string): string {
  const trimmed = name.trim();
  const suffix = SUFFIXES.find((s) => trimmed.endsWith(s) && trimmed.length > s.length);
  return suffix ? trimmed.slice(0, -suffix.length) : trimmed;
}

const BY_SHORT_NAME: ReadonlyMap<string, { name: string; zone: string }> = new Map([...PROVINCES].map(([name, zone]) => [shortProvinceName(name), { name, zone }]));

/** The division named `province` (full or short name) with its zone, or `undefined`. */
export function provinceOf(province: string): { readonly name: string; readonly zone: string } | undefined {
  return BY_SHORT_NAME.get(shortProvinceName(province));
}

/** A mainland phone number: a mobile (1[3-9]…, 11 digits) or a landline with its area code, optionally after +86. */
export function isChinesePhone(phone: string): boolean {
  const digits = phone.replace(/[\s()-]/g, '').replace(/^\+?86/, '');
  return /^1[3-9]\d{9}$/.test(digits) || /^0\d{2,3}\d{7,8}$/.test(digits);
}

/** A mainland postcode: six digits. */
export function isChinesePostcode(postcode: string): boolean {
  return /^\d{6}$/.test(postcode.trim());
}
