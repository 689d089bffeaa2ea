/**
 * The business metrics checkout emits (Powertools EMF, namespace `Commerce`, dimension `service` =
 * the function): the operations dashboard reads them (OPS-1).
 */

/** Orders placed — a new order, not an idempotent replay — by PlaceOrderFunction: the dashboard's orders per minute. */
export const ORDERS_PLACED_METRIC = 'OrdersPlaced';

/** The placed orders' totals in fen (integer minor units), by PlaceOrderFunction: the dashboard's GMV. */
export const GMV_METRIC = 'GmvFen';
