/**
 * The stage's carrier (`CARRIER_PROVIDER`, set per stage by infra/stage.ts): the sandbox carrier,
 * or Kuaidi100 on the stage's merchant account (read once per container). Production books with
 * Kuaidi100; the template test proves it never gets the sandbox.
 */
import { sandboxCarrier, type CarrierGateway } from '../carrier-gateway.ts';
import { fulfillmentSettings } from '../settings.ts';
import { httpFormPoster, kuaidi100Account, kuaidi100Gateway } from './kuaidi100-gateway.ts';

let kuaidi100: Promise<CarrierGateway> | undefined;

/** The carrier this stage books with. */
export function configuredCarrier(): Promise<CarrierGateway> {
  const settings = fulfillmentSettings();
  if (settings.carrierProvider === 'sandbox') return Promise.resolve(sandboxCarrier);
  kuaidi100 ??= kuaidi100Account(settings).then((account) => kuaidi100Gateway(account, httpFormPoster));
  kuaidi100.catch(() => (kuaidi100 = undefined));
  return kuaidi100;
}
