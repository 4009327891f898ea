/** What an order may hold. The API's request schema and the processor's checks both use these. */
export const orderLimits = Object.freeze({
  maxItems: 100,
  customerIdMaxLength: 128,
  skuMaxLength: 64,
  skuPattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  maxQuantity: 10_000,
  maxUnitPriceCents: 1_000_000_000,
});

/** ISO 4217 codes this runtime knows (from ICU), e.g. EUR, USD, JPY. */
export const currencyCodes: readonly string[] = Object.freeze(Intl.supportedValuesOf('currency'));
