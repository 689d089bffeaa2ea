/**
 * The Kuaidi100 (快递100) carrier adapter (FUL-3) against fixtures written from its published
 * documentation (the 商家寄件 create/cancel request tables, the order-callback status table, the
 * 订阅推送 push format and its `state` table) and its official Node.js demo: the form it posts and
 * how it signs it, how it reads the answers, and how it verifies and maps both callbacks.
 */
import { describe, expect, it } from 'vitest';
import {
  beijingTime,
  CALLBACK_ACK,
  callbackSign,
  Kuaidi100Carrier,
  Kuaidi100RequestError,
  Kuaidi100UnavailableError,
  KUAIDI100_BORDER_URL,
  mapOrderStatus,
  mapTrackingState,
  readOrderCallback,
  readTrackingPush,
  requestSign,
} from '../../../functions/fulfillment/carriers/kuaidi100.ts';

const account = {
  key: 'KEY123',
  secret: 'SECRET456',
  salt: 'salt-xyz',
  callbackUrl: 'https://api.example.cn/webhooks/carriers/kuaidi100/orders',
  trackingCallbackUrl: 'https://api.example.cn/webhooks/carriers/kuaidi100/tracking',
};
const T = 1_717_216_800_000;

function recordingPoster(answer: { status: number; body: string } | Error) {
  const calls: Array<{ url: string; form: Record<string, string> }> = [];
  return {
    calls,
    post: async (url: string, form: Readonly<Record<string, string>>) => {
      calls.push({ url, form: { ...form } });
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const booking = {
  carrier: 'sf-express',
  shipmentId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
  recipient: { name: '王超', mobile: '13842569988', printAddress: '广东省深圳市南山区科技南十二路2号' },
  sender: { name: '杭州仓', mobile: '057188880000', printAddress: '浙江省杭州市余杭区仓前街道 1 号' },
  cargo: '茶叶',
  weightGrams: 1250,
};

describe('signatures', () => {
  it('requests: upper-case MD5 of param + t + key + secret (the demo’s doMethodRequest)', () => {
    expect(requestSign('{"taskId":"T1","orderId":"20066771","cancelMsg":"order cancelled"}', String(T), 'KEY123', 'SECRET456')).toBe('A5B7E81480BD4366E0E62DDED3E7175A');
  });
  it('callbacks: upper-case MD5 of param + salt', () => {
    expect(callbackSign('{"a":1}', 'salt-xyz')).toBe('D89540C16B4C4A754B99E8A4B8315618');
  });
});

describe('booking and cancelling (商家寄件)', () => {
  it('bOrder: posts the documented form — method, key, t, sign, param with the company code, both parties, cargo, kg, callbacks and salt', async () => {
    // The documented answer (the official Python demo's sample).
    const http = recordingPoster({
      status: 200,
      body: '{"data":{"kuaidinum":"SF1234567890123","orderId":"20066771","attach":null,"taskId":"9FC293CA417E431F33046E64F4C4EC20"},"message":"提交成功","result":true,"returnCode":"200"}',
    });
    const carrier = new Kuaidi100Carrier(account, http.post, () => T);
    expect(await carrier.book(booking)).toEqual({ taskId: '9FC293CA417E431F33046E64F4C4EC20', orderId: '20066771', waybill: 'SF1234567890123' });
    const [{ url, form }] = http.calls as [{ url: string; form: Record<string, string> }];
    expect(url).toBe(KUAIDI100_BORDER_URL);
    expect(form).toMatchObject({ method: 'bOrder', key: 'KEY123', t: String(T) });
    expect(form.sign).toBe(requestSign(form.param as string, String(T), 'KEY123', 'SECRET456'));
    expect(JSON.parse(form.param as string)).toEqual({
      kuaidicom: 'shunfeng',
      recManName: '王超',
      recManMobile: '13842569988',
      recManPrintAddr: '广东省深圳市南山区科技南十二路2号',
      sendManName: '杭州仓',
      sendManMobile: '057188880000',
      sendManPrintAddr: '浙江省杭州市余杭区仓前街道 1 号',
      cargo: '茶叶',
      weight: '1.25',
      payment: 'SHIPPER',
      remark: booking.shipmentId,
      callBackUrl: account.callbackUrl,
      pollCallBackUrl: account.trackingCallbackUrl,
      salt: 'salt-xyz',
      op: '0',
      resultv2: '0',
    });
  });

  it('a waybill not assigned yet comes later (order callback); a refusal is not retried, an outage is, and neither error carries the recipient', async () => {
    const later = new Kuaidi100Carrier(
      account,
      recordingPoster({ status: 200, body: JSON.stringify({ result: true, returnCode: '200', message: '提交成功', data: { taskId: 'T2', orderId: 20066772 } }) }).post,
      () => T,
    );
    expect(await later.book(booking)).toEqual({ taskId: 'T2', orderId: '20066772' });

    const refused = new Kuaidi100Carrier(account, recordingPoster({ status: 200, body: JSON.stringify({ result: false, returnCode: '400', message: '参数错误' }) }).post, () => T);
    const error = await refused.book(booking).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Kuaidi100RequestError);
    expect((error as Kuaidi100RequestError).returnCode).toBe('400');
    const badSign = await new Kuaidi100Carrier(
      account,
      recordingPoster({ status: 200, body: JSON.stringify({ result: false, returnCode: '503', message: '签名认证失败' }) }).post,
      () => T,
    )
      .book(booking)
      .catch((e: unknown) => e);
    expect(badSign).toBeInstanceOf(Kuaidi100RequestError);
    for (const outage of [
      { status: 502, body: 'Bad Gateway' },
      new Error('ETIMEDOUT'),
      { status: 200, body: JSON.stringify({ result: false, returnCode: '500', message: '服务器错误' }) },
    ]) {
      const e = await new Kuaidi100Carrier(account, recordingPoster(outage).post, () => T).book(booking).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(Kuaidi100UnavailableError);
      expect(String((e as Error).message)).not.toMatch(/王超|13842569988|科技南/);
    }
    await expect(new Kuaidi100Carrier(account, recordingPoster({ status: 200, body: '{}' }).post).book({ ...booking, carrier: 'pigeon-post' })).rejects.toBeInstanceOf(
      Kuaidi100RequestError,
    );
  });

  it('cancel: method cancel with taskId, orderId and the reason', async () => {
    const http = recordingPoster({ status: 200, body: JSON.stringify({ result: true, returnCode: '200', message: '成功' }) });
    await new Kuaidi100Carrier(account, http.post, () => T).cancel({ taskId: 'T1', orderId: '20066771' }, 'order cancelled');
    const form = http.calls[0]?.form as Record<string, string>;
    expect(form).toMatchObject({ method: 'cancel', param: '{"taskId":"T1","orderId":"20066771","cancelMsg":"order cancelled"}', sign: 'A5B7E81480BD4366E0E62DDED3E7175A' });
  });
});

describe('callbacks', () => {
  const signed = (param: unknown) => {
    const json = JSON.stringify(param);
    return { param: json, sign: callbackSign(json, account.salt), taskId: 'T1' };
  };

  it('order callback: verified with the salt, mapped, courier details dropped; a wrong signature is refused before parsing', () => {
    const form = signed({
      kuaidicom: 'shunfeng',
      kuaidinum: 'SF1234567890123',
      status: '10',
      message: '已取件',
      data: { orderId: '20066771', status: 10, courierName: '李师傅', courierMobile: '13900001111', weight: '1.3', freight: '18.00' },
    });
    const outcome = readOrderCallback(form, account.salt);
    expect(outcome).toEqual({ ok: true, kind: 'order', orderId: '20066771', waybill: 'SF1234567890123', code: 10, mapped: { status: 'PICKED_UP' } });
    expect(JSON.stringify(outcome)).not.toMatch(/李师傅|13900001111/);
    expect(readOrderCallback({ ...form, sign: callbackSign(form.param, 'other-salt') }, account.salt)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(readOrderCallback({ param: form.param }, account.salt)).toEqual({ ok: false, reason: 'malformed' });
    expect(readOrderCallback(signed({ data: {} }), account.salt)).toEqual({ ok: false, reason: 'malformed' });
    expect(CALLBACK_ACK).toEqual({ result: true, returnCode: '200', message: '成功' });
  });

  it('every documented order status maps to ours or to nothing to record', () => {
    const table: Array<[number, unknown]> = [
      [0, { status: null }],
      [1, { status: null }],
      [2, { status: null }],
      [3, { status: null }],
      [7, { status: null }],
      [15, { status: null }],
      [155, { status: null }],
      [610, { status: null, note: 'booking failed: book again' }],
      [9, { status: null }],
      [99, { status: null }],
      [10, { status: 'PICKED_UP' }],
      [101, { status: 'IN_TRANSIT' }],
      [400, { status: 'OUT_FOR_DELIVERY' }],
      [13, { status: 'DELIVERED' }],
      [11, { status: 'EXCEPTION', exception: 'undeliverable-address' }],
      [12, { status: 'EXCEPTION', exception: 'refused' }],
      [14, { status: 'EXCEPTION', exception: 'refused' }],
    ];
    for (const [code, expected] of table) expect(mapOrderStatus(code), `status ${code}`).toMatchObject(expected as object);
    expect(mapOrderStatus(7777)).toMatchObject({ status: null, note: 'unknown order status 7777' });
  });

  it('tracking push (订阅推送): verified, the newest entry’s Beijing time in UTC, the state mapped, the context lines dropped; stable event ids', () => {
    const push = {
      status: 'polling',
      billstatus: 'got',
      message: '',
      autoCheck: '0',
      comOld: '',
      comNew: '',
      lastResult: {
        message: 'ok',
        state: '3',
        status: '200',
        condition: 'F00',
        ischeck: '1',
        com: 'shunfeng',
        nu: 'SF1234567890123',
        data: [
          { context: '已签收，签收人：王超', time: '2024-06-01 13:45:00', ftime: '2024-06-01 13:45:00', status: '签收', areaCode: '440305000000', areaName: '广东,深圳市,南山区' },
          { context: '快件已到达深圳南山营业点', time: '2024-06-01 08:02:11', ftime: '2024-06-01 08:02:11', status: '在途' },
        ],
      },
    };
    const outcome = readTrackingPush(signed(push), account.salt);
    expect(outcome).toMatchObject({
      ok: true,
      kind: 'tracking',
      waybill: 'SF1234567890123',
      company: 'shunfeng',
      state: 3,
      occurredAt: '2024-06-01T05:45:00.000Z',
      mapped: { status: 'DELIVERED' },
    });
    expect(JSON.stringify(outcome)).not.toContain('王超');
    expect((readTrackingPush(signed(push), account.salt) as { eventId: string }).eventId).toBe((outcome as { eventId: string }).eventId);
    expect(readTrackingPush({ ...signed(push), sign: 'deadbeef' }, account.salt)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('every documented tracking state maps to ours', () => {
    const table: Array<[number, unknown]> = [
      [0, { status: 'IN_TRANSIT' }],
      [1, { status: 'PICKED_UP' }],
      [2, { status: 'EXCEPTION', exception: 'lost' }],
      [3, { status: 'DELIVERED' }],
      [4, { status: 'EXCEPTION', exception: 'refused' }],
      [5, { status: 'OUT_FOR_DELIVERY' }],
      [6, { status: 'EXCEPTION', exception: 'refused' }],
      [7, { status: 'IN_TRANSIT' }],
      [8, { status: 'IN_TRANSIT' }],
      [14, { status: 'EXCEPTION', exception: 'refused' }],
    ];
    for (const [state, expected] of table) expect(mapTrackingState(state), `state ${state}`).toEqual(expected);
    expect(mapTrackingState(99)).toMatchObject({ status: null });
    expect(beijingTime('2024-01-01 00:30:00')).toBe('2023-12-31T16:30:00.000Z');
    expect(beijingTime('yesterday')).toBeUndefined();
  });
});
