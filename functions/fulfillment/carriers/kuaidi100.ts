/**
 * Kuaidi100 (快递100) adapter: a real carrier aggregator beside the sandbox carrier (FUL-3). One
 * merchant account books pickups with most Chinese carriers (SF, YTO, ZTO, JD, EMS, …) through its
 * 商家寄件 API and reports their tracking through its push service. Written from Kuaidi100's
 * published documentation (api.kuaidi100.com/document, the API reference at kuaidi100.apifox.cn)
 * and its official Node.js demo (github.com/kuaidi100-api/nodejs-demo):
 *
 * - **Requests** (商家寄件, `POST https://poll.kuaidi100.com/order/borderapi.do`, form-encoded):
 *   `method` (`bOrder`, `cancel`), `key`, `t` (milliseconds), `param` (JSON) and
 *   `sign = upper(md5(param + t + key + secret))`. Answers `{ result, returnCode, message, data }`;
 *   `returnCode` "200" is success.
 * - **Booking** (`bOrder`): the recipient (name, mobile, printable address) is decrypted by the
 *   caller just in time and passed straight into the request body — this module never logs,
 *   stores or returns it. `data` carries Kuaidi100's `taskId` and `orderId` (needed to cancel) and,
 *   when the carrier assigns one at once, the waybill (`kuaidinum`); otherwise the waybill arrives
 *   with the order callback.
 * - **Cancellation** (`cancel`): `{ taskId, orderId, cancelMsg }`.
 * - **Callbacks** — both form-encoded with `param` (JSON) and `sign = upper(md5(param + salt))`,
 *   the salt we set when booking; a wrong signature is refused before the JSON is even parsed:
 *   - the order callback (`callBackUrl`): `data.status` 0 下单成功, 610 下单失败, 1 已接单,
 *     2 收件中, 3 改派, 7 快递员修改订单信息, 9 用户主动取消, 10 已取件, 15 已结算, 155 修改重量,
 *     101 运输中, 11 揽货失败, 12 已退回, 13 已签收, 14 异常签收, 99 订单已取消 (also 400 派送中);
 *     unknown codes are reported, not rejected;
 *   - the tracking push (`pollCallBackUrl`, 订阅推送): `lastResult.state` 0 在途, 1 揽收, 2 疑难,
 *     3 签收, 4 退签, 5 派件, 6 退回, 7 转投, 8 清关, 14 拒签; times are Beijing time.
 *   Both map to our shipment statuses ({@link mapOrderStatus}, {@link mapTrackingState}); courier
 *   names and phones and the free-text `context` lines (which can name the recipient) are dropped.
 *   The answer Kuaidi100 expects: {@link CALLBACK_ACK}.
 *
 * Wired as the carrier port by kuaidi100-gateway.ts (booking, cancellation) and
 * receive-kuaidi100-callback.ts (both callbacks); stages choose it with `CARRIER_PROVIDER`.
 */
import crypto from 'node:crypto';
import type { ShipmentException, ShipmentStatus } from '../domain/shipment.ts';

/** The 商家寄件 endpoint. */
export const KUAIDI100_BORDER_URL = 'https://poll.kuaidi100.com/order/borderapi.do';

/** What Kuaidi100 expects back from a callback it may stop retrying. */
export const CALLBACK_ACK = { result: true, returnCode: '200', message: '成功' } as const;

/** Our carrier ids → Kuaidi100 company codes (`kuaidicom`). */
export const KUAIDI100_COMPANIES: Readonly<Record<string, string>> = {
  'sf-express': 'shunfeng',
  'yto-express': 'yuantong',
  'zto-express': 'zhongtong',
  'sto-express': 'shentong',
  'yunda-express': 'yunda',
  'jd-logistics': 'jd',
  ems: 'ems',
};

/** The merchant account (Secrets Manager in a deployed stage). */
export interface Kuaidi100Account {
  readonly key: string;
  readonly secret: string;
  /** Signs the callbacks; sent with every booking. */
  readonly salt: string;
  /** Where Kuaidi100 posts order and tracking callbacks. */
  readonly callbackUrl: string;
  readonly trackingCallbackUrl: string;
}

/** A form POST (the HTTP client is a port, so the adapter is tested offline). */
export type FormPoster = (url: string, form: Readonly<Record<string, string>>) => Promise<{ readonly status: number; readonly body: string }>;

/** The carrier refused the request (bad address, unsupported route, …): do not retry as is. */
export class Kuaidi100RequestError extends Error {
  override readonly name = 'Kuaidi100RequestError';
  constructor(
    message: string,
    readonly returnCode: string,
  ) {
    super(message);
  }
}

/** Kuaidi100 could not be reached or failed (5xx, timeout): retry later. */
export class Kuaidi100UnavailableError extends Error {
  override readonly name = 'Kuaidi100UnavailableError';
}

const md5Upper = (text: string) => crypto.createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

/** The request signature: upper-case MD5 of param + t + key + secret. */
export function requestSign(param: string, t: string, key: string, secret: string): string {
  return md5Upper(param + t + key + secret);
}

/** The callback signature: upper-case MD5 of param + salt. */
export function callbackSign(param: string, salt: string): string {
  return md5Upper(param + salt);
}

/** A party of a booking: as printed on the label. Personal data: passed through, never kept. */
export interface Party {
  readonly name: string;
  readonly mobile: string;
  /** Province, city, district and street as one printable line. */
  readonly printAddress: string;
}

/** A pickup to book. */
export interface Kuaidi100Booking {
  /** Our carrier id (a key of {@link KUAIDI100_COMPANIES}). */
  readonly carrier: string;
  readonly shipmentId: string;
  readonly recipient: Party;
  readonly sender: Party;
  /** What is inside (goods category, no personal data). */
  readonly cargo: string;
  readonly weightGrams: number;
  /** Who pays the carrier: the sender (default, `SHIPPER`) or, for a return pickup (AFT-1), the merchant on arrival (`CONSIGNEE`). */
  readonly payer?: 'SHIPPER' | 'CONSIGNEE';
}

/** A booked pickup. */
export interface Kuaidi100Booked {
  readonly taskId: string;
  readonly orderId: string;
  /** When the carrier assigned one at once; else it comes with the order callback. */
  readonly waybill?: string;
}

/** The adapter. */
export class Kuaidi100Carrier {
  constructor(
    private readonly account: Kuaidi100Account,
    private readonly post: FormPoster,
    private readonly now: () => number = Date.now,
  ) {}

  /** Books a pickup (商家寄件 `bOrder`). */
  async book(booking: Kuaidi100Booking): Promise<Kuaidi100Booked> {
    const kuaidicom = KUAIDI100_COMPANIES[booking.carrier];
    if (!kuaidicom) throw new Kuaidi100RequestError(`no Kuaidi100 company for carrier ${booking.carrier}`, 'unknown-carrier');
    const data = await this.call('bOrder', {
      kuaidicom,
      recManName: booking.recipient.name,
      recManMobile: booking.recipient.mobile,
      recManPrintAddr: booking.recipient.printAddress,
      sendManName: booking.sender.name,
      sendManMobile: booking.sender.mobile,
      sendManPrintAddr: booking.sender.printAddress,
      cargo: booking.cargo,
      weight: (Math.max(booking.weightGrams, 1) / 1000).toFixed(2),
      payment: booking.payer ?? 'SHIPPER',
      remark: booking.shipmentId,
      callBackUrl: this.account.callbackUrl,
      pollCallBackUrl: this.account.trackingCallbackUrl,
      salt: this.account.salt,
      op: '0',
      resultv2: '0',
    });
    const taskId = typeof data?.taskId === 'string' ? data.taskId : undefined;
    const orderId = data?.orderId !== undefined ? String(data.orderId) : undefined;
    if (!taskId || !orderId) throw new Kuaidi100UnavailableError('Kuaidi100 bOrder: success without taskId/orderId');
    return { taskId, orderId, ...(typeof data?.kuaidinum === 'string' && data.kuaidinum ? { waybill: data.kuaidinum } : {}) };
  }

  /** Cancels a booked pickup (商家寄件 `cancel`). */
  async cancel(booked: Pick<Kuaidi100Booked, 'taskId' | 'orderId'>, reason: string): Promise<void> {
    await this.call('cancel', { taskId: booked.taskId, orderId: booked.orderId, cancelMsg: reason });
  }

  private async call(method: 'bOrder' | 'cancel', param: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const paramJson = JSON.stringify(param);
    const t = String(this.now());
    let response: { status: number; body: string };
    try {
      response = await this.post(KUAIDI100_BORDER_URL, {
        method,
        key: this.account.key,
        t,
        sign: requestSign(paramJson, t, this.account.key, this.account.secret),
        param: paramJson,
      });
    } catch (error) {
      throw new Kuaidi100UnavailableError(`Kuaidi100 ${method}: ${error instanceof Error ? error.name : 'network error'}`, { cause: error });
    }
    if (response.status >= 500 || response.status === 429) throw new Kuaidi100UnavailableError(`Kuaidi100 ${method}: HTTP ${response.status}`);
    let answer: { result?: unknown; returnCode?: unknown; message?: unknown; data?: unknown };
    try {
      answer = JSON.parse(response.body) as typeof answer;
    } catch {
      throw new Kuaidi100UnavailableError(`Kuaidi100 ${method}: HTTP ${response.status}, not JSON`);
    }
    const code = String(answer.returnCode ?? response.status);
    if (answer.result !== true || code !== '200') {
      // The message is Kuaidi100's (e.g. "地址不可达"); it names no personal data of ours.
      // 500 服务器错误 is theirs (retry); 501 重复提交, 503 签名认证失败, 600/601 account problems and 400 are not.
      if (code === '500') throw new Kuaidi100UnavailableError(`Kuaidi100 ${method}: ${code}`);
      throw new Kuaidi100RequestError(`Kuaidi100 ${method} refused: ${code} ${typeof answer.message === 'string' ? answer.message.slice(0, 200) : ''}`.trim(), code);
    }
    return answer.data && typeof answer.data === 'object' ? (answer.data as Record<string, unknown>) : undefined;
  }
}

/** Our view of a carrier status: a shipment status (and exception), or nothing to record. */
export type MappedStatus =
  { readonly status: Exclude<ShipmentStatus, 'CREATED' | 'CANCELLED'>; readonly exception?: ShipmentException } | { readonly status: null; readonly note: string };

/** 商家寄件 order statuses (`data.status` of the order callback) → ours. */
export function mapOrderStatus(code: number): MappedStatus {
  switch (code) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 7:
      return { status: null, note: 'booked, awaiting pickup' };
    case 15:
    case 155:
      return { status: null, note: 'charges settled or corrected' };
    case 610:
      return { status: null, note: 'booking failed: book again' };
    case 10:
      return { status: 'PICKED_UP' };
    case 101:
      return { status: 'IN_TRANSIT' };
    case 400:
      return { status: 'OUT_FOR_DELIVERY' };
    case 13:
      return { status: 'DELIVERED' };
    case 11:
      return { status: 'EXCEPTION', exception: 'undeliverable-address' };
    case 12:
    case 14:
      return { status: 'EXCEPTION', exception: 'refused' };
    case 9:
    case 99:
      return { status: null, note: 'pickup cancelled' };
    default:
      return { status: null, note: `unknown order status ${code}` };
  }
}

/** 订阅推送 tracking states (`lastResult.state`) → ours. */
export function mapTrackingState(state: number): MappedStatus {
  switch (state) {
    case 1:
      return { status: 'PICKED_UP' };
    case 0:
    case 7:
    case 8:
      return { status: 'IN_TRANSIT' };
    case 5:
      return { status: 'OUT_FOR_DELIVERY' };
    case 3:
      return { status: 'DELIVERED' };
    case 2:
      return { status: 'EXCEPTION', exception: 'lost' };
    case 4:
    case 6:
    case 14:
      return { status: 'EXCEPTION', exception: 'refused' };
    default:
      return { status: null, note: `unknown tracking state ${state}` };
  }
}

/** "2024-05-01 13:45:00" in Beijing time (UTC+8) → ISO-8601 UTC; undefined when not that shape. */
export function beijingTime(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi, s)).toISOString();
}

/** A verified callback, reduced to what fulfillment records (no courier or recipient data). */
export type CallbackOutcome =
  | { readonly ok: false; readonly reason: 'bad-signature' | 'malformed' }
  | { readonly ok: true; readonly kind: 'order'; readonly orderId: string; readonly waybill?: string; readonly code: number; readonly mapped: MappedStatus }
  | {
      readonly ok: true;
      readonly kind: 'tracking';
      readonly waybill: string;
      readonly company: string;
      readonly state: number;
      readonly occurredAt?: string;
      readonly mapped: MappedStatus;
      readonly eventId: string;
    };

function verified(form: Readonly<Record<string, string | undefined>>, salt: string): Record<string, unknown> | 'bad-signature' | 'malformed' {
  const { param, sign } = form;
  if (typeof param !== 'string' || typeof sign !== 'string') return 'malformed';
  const expected = Buffer.from(callbackSign(param, salt));
  const given = Buffer.from(sign.trim().toUpperCase());
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'bad-signature';
  try {
    const parsed = JSON.parse(param) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : 'malformed';
  } catch {
    return 'malformed';
  }
}

/** Verifies and reads the 商家寄件 order callback (form fields `param`, `sign`, `taskId`). */
export function readOrderCallback(form: Readonly<Record<string, string | undefined>>, salt: string): CallbackOutcome {
  const body = verified(form, salt);
  if (typeof body === 'string') return { ok: false, reason: body };
  const data = body.data as Record<string, unknown> | undefined;
  const code = Number(data?.status ?? body.status);
  if (!data || data.orderId === undefined || !Number.isInteger(code)) return { ok: false, reason: 'malformed' };
  const number = body.kuaidinum ?? data.kuaidinum;
  const waybill = typeof number === 'string' && number ? number : undefined;
  return { ok: true, kind: 'order', orderId: String(data.orderId), ...(waybill ? { waybill } : {}), code, mapped: mapOrderStatus(code) };
}

/** Verifies and reads a tracking push (订阅推送: form fields `param`, `sign`). */
export function readTrackingPush(form: Readonly<Record<string, string | undefined>>, salt: string): CallbackOutcome {
  const body = verified(form, salt);
  if (typeof body === 'string') return { ok: false, reason: body };
  const last = body.lastResult as Record<string, unknown> | undefined;
  const state = Number(last?.state);
  if (!last || typeof last.nu !== 'string' || !Number.isInteger(state)) return { ok: false, reason: 'malformed' };
  const newest = Array.isArray(last.data) ? (last.data[0] as Record<string, unknown> | undefined) : undefined;
  const occurredAt = beijingTime(newest?.ftime ?? newest?.time);
  const eventId = crypto
    .createHash('sha256')
    .update(`kuaidi100|${last.nu}|${state}|${occurredAt ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  return { ok: true, kind: 'tracking', waybill: last.nu, company: String(last.com ?? ''), state, ...(occurredAt ? { occurredAt } : {}), mapped: mapTrackingState(state), eventId };
}
