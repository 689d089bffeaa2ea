/**
 * The notification templates (ORD-6, AFT-1, AFT-2), in zh-CN and English. Pure: a template is a
 * function of typed parameters, so nothing can be left unrendered. Texts hold ids, amounts,
 * statuses and links only — never a name, phone, email or address (the recipient's contact data
 * is used to address the message, never to fill it).
 *
 * Each template has a kind — `transactional` (always sent) or `marketing` (sent only with the
 * customer's consent; until the privacy capability records consent, never) — and a preferred
 * channel: SMS for what is urgent and short (a failed payment, a shipment on its way, a late or
 * failed delivery), email for the rest. The sender falls back to the other channel when the order
 * has no contact of the preferred kind.
 *
 * The locale: zh-CN for orders shipped to mainland China (`CN`) and whenever the country is not
 * known (no order); English for every other shipping country.
 */
import type { Money } from '../../../shared/money.ts';

/** The languages templates are written in. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Transactional messages always go out; marketing ones only with consent. */
export type TemplateKind = 'transactional' | 'marketing';

/** The channels a notification can go out on (`in-app`: recorded only, shown in the app). */
export type Channel = 'email' | 'sms' | 'in-app';

/** Return statuses the customer is told about (ReturnStatusChanged; others are not notified). */
export const NOTIFIED_RETURN_STATUSES = ['APPROVED', 'REJECTED', 'PICKUP_BOOKED', 'RECEIVED', 'EXCHANGED', 'INSPECTION_FAILED'] as const;
export type NotifiedReturnStatus = (typeof NOTIFIED_RETURN_STATUSES)[number];

/** Ticket statuses the customer is told about (TicketStatusChanged; others are not notified). */
export const NOTIFIED_TICKET_STATUSES = ['OPEN', 'ANSWERED', 'WAITING_ON_CUSTOMER', 'RESOLVED'] as const;
export type NotifiedTicketStatus = (typeof NOTIFIED_TICKET_STATUSES)[number];

/** Every template and its parameters. */
export interface TemplateParams {
  'order-confirmed': { readonly orderId: string; readonly total: Money };
  'order-rejected': { readonly orderId: string };
  'order-cancelled': { readonly orderId: string };
  'payment-failed': { readonly orderId: string };
  'order-shipped': { readonly orderId: string; readonly parcels: number };
  'order-delivered': { readonly orderId: string };
  'delivery-late': { readonly orderId: string };
  'delivery-problem': { readonly orderId: string };
  'refund-issued': { readonly orderId: string; readonly amount: Money };
  'return-updated': { readonly orderId: string; readonly returnId: string; readonly status: NotifiedReturnStatus };
  'ticket-updated': { readonly ticketId: string; readonly status: NotifiedTicketStatus };
  /** Marketing: a digest of current promotions (suppressed until consent exists). */
  'promotions-digest': Record<string, never>;
}

export type TemplateId = keyof TemplateParams;

/** A template and its parameters. */
export type TemplateCall = { [K in TemplateId]: { readonly id: K; readonly params: TemplateParams[K] } }[TemplateId];

/** A rendered message: an email's subject and text, and the short SMS text. */
export interface RenderedMessage {
  readonly subject: string;
  readonly body: string;
  readonly sms: string;
}

interface TemplateSpec<K extends TemplateId> {
  readonly kind: TemplateKind;
  readonly channel: 'email' | 'sms';
  readonly render: (params: TemplateParams[K], locale: Locale, links: Links) => RenderedMessage;
}

/** Where links point: the storefront's base URL. */
export interface Links {
  readonly storefrontUrl: string;
}

/** `12345` fen → `123.45`: whole units and two decimals (exact: integer arithmetic). */
export function formatAmount(money: Money): string {
  const sign = money.amount < 0 ? '-' : '';
  const abs = Math.abs(money.amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** An amount as a customer reads it: `¥123.45` / `CNY 123.45`. */
export function displayAmount(money: Money, locale: Locale): string {
  if (money.currency === 'CNY') return locale === 'zh-CN' ? `¥${formatAmount(money)}` : `CNY ${formatAmount(money)}`;
  return `${money.currency} ${formatAmount(money)}`;
}

const link = (links: Links, path: string) => `${links.storefrontUrl.replace(/\/+$/, '')}${path}`;
const orderLink = (links: Links, orderId: string) => link(links, `/orders/${orderId}`);

/** Both languages of one message. */
function message(locale: Locale, zh: RenderedMessage, en: RenderedMessage): RenderedMessage {
  return locale === 'zh-CN' ? zh : en;
}

const RETURN_STATUS_TEXT: Record<NotifiedReturnStatus, { zh: string; en: string }> = {
  APPROVED: { zh: '已通过审核，我们将安排上门取件', en: 'has been approved; we will arrange a doorstep pickup' },
  REJECTED: { zh: '未通过审核，详情请查看退货记录', en: 'was not approved; see the return for details' },
  PICKUP_BOOKED: { zh: '已预约上门取件，请备好包裹', en: 'has a doorstep pickup booked; please have the parcel ready' },
  RECEIVED: { zh: '的包裹已到达仓库，正在验货', en: 'parcel has reached our warehouse and is being inspected' },
  EXCHANGED: { zh: '的换货商品已发出', en: 'replacement has been shipped' },
  INSPECTION_FAILED: { zh: '验货未通过，详情请查看退货记录', en: 'did not pass inspection; see the return for details' },
};

const TICKET_STATUS_TEXT: Record<NotifiedTicketStatus, { zh: string; en: string }> = {
  OPEN: { zh: '已收到，客服会尽快回复', en: 'has been received; an agent will reply soon' },
  ANSWERED: { zh: '有新的客服回复', en: 'has a new reply from customer service' },
  WAITING_ON_CUSTOMER: { zh: '需要您补充信息', en: 'needs more information from you' },
  RESOLVED: { zh: '已解决，欢迎为本次服务评分', en: 'has been resolved; please rate our service' },
};

/** Every template: kind, preferred channel and how it renders. */
export const TEMPLATES: { readonly [K in TemplateId]: TemplateSpec<K> } = {
  'order-confirmed': {
    kind: 'transactional',
    channel: 'email',
    render: ({ orderId, total }, locale, links) =>
      message(
        locale,
        {
          subject: `订单已提交：${orderId}`,
          body: `您的订单 ${orderId} 已提交，订单金额 ${displayAmount(total, 'zh-CN')}。查看订单：${orderLink(links, orderId)}`,
          sms: `订单${orderId}已提交，金额${displayAmount(total, 'zh-CN')}。`,
        },
        {
          subject: `Order placed: ${orderId}`,
          body: `Your order ${orderId} has been placed. Total: ${displayAmount(total, 'en')}. View it at ${orderLink(links, orderId)}`,
          sms: `Order ${orderId} placed, total ${displayAmount(total, 'en')}.`,
        },
      ),
  },
  'order-rejected': {
    kind: 'transactional',
    channel: 'email',
    render: ({ orderId }, locale, links) =>
      message(
        locale,
        {
          subject: `订单未能受理：${orderId}`,
          body: `很抱歉，您的订单 ${orderId} 未能受理，已付款项将原路退回。详情：${orderLink(links, orderId)}`,
          sms: `订单${orderId}未能受理，已付款项将原路退回。`,
        },
        {
          subject: `Order not accepted: ${orderId}`,
          body: `We are sorry: your order ${orderId} could not be accepted. Any payment will be returned to the original method. Details: ${orderLink(links, orderId)}`,
          sms: `Order ${orderId} not accepted; any payment will be returned.`,
        },
      ),
  },
  'order-cancelled': {
    kind: 'transactional',
    channel: 'email',
    render: ({ orderId }, locale, links) =>
      message(
        locale,
        {
          subject: `订单已取消：${orderId}`,
          body: `您的订单 ${orderId} 已取消。如已付款，款项将原路退回。详情：${orderLink(links, orderId)}`,
          sms: `订单${orderId}已取消，已付款项将原路退回。`,
        },
        {
          subject: `Order cancelled: ${orderId}`,
          body: `Your order ${orderId} has been cancelled. Any payment will be returned to the original method. Details: ${orderLink(links, orderId)}`,
          sms: `Order ${orderId} cancelled; any payment will be returned.`,
        },
      ),
  },
  'payment-failed': {
    kind: 'transactional',
    channel: 'sms',
    render: ({ orderId }, locale, links) =>
      message(
        locale,
        {
          subject: `订单支付失败：${orderId}`,
          body: `您的订单 ${orderId} 支付未成功。请更换支付方式后重新下单：${orderLink(links, orderId)}`,
          sms: `订单${orderId}支付未成功，请更换支付方式后重新下单。`,
        },
        {
          subject: `Payment failed: ${orderId}`,
          body: `The payment for your order ${orderId} did not go through. Please place the order again with another payment method: ${orderLink(links, orderId)}`,
          sms: `Payment for order ${orderId} failed; please try another method.`,
        },
      ),
  },
  'order-shipped': {
    kind: 'transactional',
    channel: 'sms',
    render: ({ orderId, parcels }, locale, links) =>
      message(
        locale,
        {
          subject: `订单已发货：${orderId}`,
          body: `您的订单 ${orderId} 已发货（共 ${parcels} 个包裹）。物流信息：${orderLink(links, orderId)}`,
          sms: `订单${orderId}已发货，共${parcels}个包裹。`,
        },
        {
          subject: `Order shipped: ${orderId}`,
          body: `Your order ${orderId} is on its way (${parcels} ${parcels === 1 ? 'parcel' : 'parcels'}). Tracking: ${orderLink(links, orderId)}`,
          sms: `Order ${orderId} shipped (${parcels} ${parcels === 1 ? 'parcel' : 'parcels'}).`,
        },
      ),
  },
  'order-delivered': {
    kind: 'transactional',
    channel: 'email',
    render: ({ orderId }, locale, links) =>
      message(
        locale,
        { subject: `订单已送达：${orderId}`, body: `您的订单 ${orderId} 已送达。如有问题，可在订单页申请退换货：${orderLink(links, orderId)}`, sms: `订单${orderId}已送达。` },
        {
          subject: `Order delivered: ${orderId}`,
          body: `Your order ${orderId} has been delivered. If anything is wrong, you can request a return from the order page: ${orderLink(links, orderId)}`,
          sms: `Order ${orderId} delivered.`,
        },
      ),
  },
  'delivery-late': {
    kind: 'transactional',
    channel: 'sms',
    render: ({ orderId }, locale, links) =>
      message(
        locale,
        {
          subject: `订单配送延迟：${orderId}`,
          body: `很抱歉，您的订单 ${orderId} 配送时间超出预期，我们正在跟进。物流信息：${orderLink(links, orderId)}`,
          sms: `订单${orderId}配送延迟，我们正在跟进。`,
        },
        {
          subject: `Delivery delayed: ${orderId}`,
          body: `We are sorry: the delivery of your order ${orderId} is running late and we are following it up. Tracking: ${orderLink(links, orderId)}`,
          sms: `Delivery of order ${orderId} is late; we are on it.`,
        },
      ),
  },
  'delivery-problem': {
    kind: 'transactional',
    channel: 'sms',
    render: ({ orderId }, locale, links) =>
      message(
        locale,
        {
          subject: `订单配送异常：${orderId}`,
          body: `您的订单 ${orderId} 配送遇到问题，客服将与您联系。详情：${orderLink(links, orderId)}`,
          sms: `订单${orderId}配送异常，客服将与您联系。`,
        },
        {
          subject: `Delivery problem: ${orderId}`,
          body: `There is a problem with the delivery of your order ${orderId}; customer service will contact you. Details: ${orderLink(links, orderId)}`,
          sms: `Delivery problem with order ${orderId}; we will contact you.`,
        },
      ),
  },
  'refund-issued': {
    kind: 'transactional',
    channel: 'email',
    render: ({ orderId, amount }, locale, links) =>
      message(
        locale,
        {
          subject: `退款已发起：${orderId}`,
          body: `订单 ${orderId} 的退款 ${displayAmount(amount, 'zh-CN')} 已原路退回，到账时间以支付渠道为准。详情：${orderLink(links, orderId)}`,
          sms: `订单${orderId}已退款${displayAmount(amount, 'zh-CN')}。`,
        },
        {
          subject: `Refund issued: ${orderId}`,
          body: `A refund of ${displayAmount(amount, 'en')} for order ${orderId} has been sent to the original payment method; when it arrives depends on your provider. Details: ${orderLink(links, orderId)}`,
          sms: `Refund of ${displayAmount(amount, 'en')} issued for order ${orderId}.`,
        },
      ),
  },
  'return-updated': {
    kind: 'transactional',
    channel: 'email',
    render: ({ orderId, returnId, status }, locale, links) => {
      const text = RETURN_STATUS_TEXT[status];
      const url = link(links, `/returns/${returnId}`);
      return message(
        locale,
        { subject: `退货进度更新：${returnId}`, body: `订单 ${orderId} 的退货 ${returnId} ${text.zh}。详情：${url}`, sms: `退货${returnId}${text.zh}。` },
        { subject: `Return update: ${returnId}`, body: `Your return ${returnId} for order ${orderId} ${text.en}. Details: ${url}`, sms: `Return ${returnId} ${text.en}.` },
      );
    },
  },
  'ticket-updated': {
    kind: 'transactional',
    channel: 'email',
    render: ({ ticketId, status }, locale, links) => {
      const text = TICKET_STATUS_TEXT[status];
      const url = link(links, `/tickets/${ticketId}`);
      return message(
        locale,
        { subject: `服务单更新：${ticketId}`, body: `您的服务单 ${ticketId} ${text.zh}。查看：${url}`, sms: `服务单${ticketId}${text.zh}。` },
        { subject: `Support ticket update: ${ticketId}`, body: `Your support ticket ${ticketId} ${text.en}. View it at ${url}`, sms: `Ticket ${ticketId} ${text.en}.` },
      );
    },
  },
  'promotions-digest': {
    kind: 'marketing',
    channel: 'email',
    render: (_params, locale, links) =>
      message(
        locale,
        { subject: '本周优惠', body: `本周优惠已上线：${link(links, '/promotions')}（回复 TD 退订）`, sms: '本周优惠已上线，回复TD退订。' },
        {
          subject: 'This week’s offers',
          body: `This week’s offers are live: ${link(links, '/promotions')} (reply STOP to unsubscribe)`,
          sms: 'This week’s offers are live. Reply STOP to unsubscribe.',
        },
      ),
  },
};

/** The kind of a template. */
export function templateKind(id: TemplateId): TemplateKind {
  return TEMPLATES[id].kind;
}

/** The channel a template prefers. */
export function preferredChannel(id: TemplateId): 'email' | 'sms' {
  return TEMPLATES[id].channel;
}

/** Renders a template call in `locale`. */
export function render(call: TemplateCall, locale: Locale, links: Links): RenderedMessage {
  const spec = TEMPLATES[call.id] as TemplateSpec<TemplateId>;
  return spec.render(call.params as never, locale, links);
}

/** zh-CN for mainland China and unknown countries, English elsewhere. */
export function localeFor(shippingCountry: string | undefined): Locale {
  if (!shippingCountry) return 'zh-CN';
  return shippingCountry.toUpperCase() === 'CN' ? 'zh-CN' : 'en';
}
