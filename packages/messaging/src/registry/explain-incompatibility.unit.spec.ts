import { describe, expect, it } from 'vitest';
import { explainIncompatibility } from './explain-incompatibility.js';

type Field = Readonly<Record<string, unknown>>;

const order = (...fields: Field[]) => ({ type: 'record', name: 'Order', namespace: 'test.orders', fields });
const id: Field = { name: 'orderId', type: 'string' };
const currency: Field = { name: 'currency', type: 'string' };
const itemsOf = (quantityType: string): Field => ({
  name: 'items',
  type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'quantity', type: quantityType }] } },
});

describe('explainIncompatibility', () => {
  it('given a new field without a default, backward compatibility names the field the new schema cannot fill', () => {
    const v1 = order(id);

    const reasons = explainIncompatibility('BACKWARD', order(id, currency), [{ version: 1, schema: v1 }]);

    expect(reasons).toEqual(['new schema cannot read version 1: field "currency" has no default']);
  });

  it('given a new field with a default, every level finds nothing wrong', () => {
    const registered = [{ version: 1, schema: order(id) }];
    const candidate = order(id, { ...currency, default: 'EUR' });

    for (const level of ['BACKWARD', 'FORWARD', 'FULL_TRANSITIVE'] as const) {
      expect(explainIncompatibility(level, candidate, registered)).toEqual([]);
    }
  });

  it('given a field removed without a default, forward compatibility says the old version cannot read the new schema', () => {
    const v1 = order(id, currency);

    const reasons = explainIncompatibility('FORWARD', order(id), [{ version: 1, schema: v1 }]);

    expect(reasons).toEqual(['version 1 cannot read the new schema: field "currency" has no default']);
  });

  it('given full compatibility, both directions are checked', () => {
    const v1 = order(id, currency);
    const renamedField = order(id, { name: 'currencyCode', type: 'string' });

    const reasons = explainIncompatibility('FULL', renamedField, [{ version: 1, schema: v1 }]);

    expect(reasons).toEqual([
      'new schema cannot read version 1: field "currencyCode" has no default',
      'version 1 cannot read the new schema: field "currency" has no default',
    ]);
  });

  it('given a type change inside an array of records, the path leads to the nested field', () => {
    const v1 = order(id, itemsOf('string'));

    const reasons = explainIncompatibility('BACKWARD', order(id, itemsOf('int')), [{ version: 1, schema: v1 }]);

    expect(reasons).toEqual(['new schema cannot read version 1: field "items[].quantity": string cannot be read as int']);
  });

  it('given a widened type (int to long), backward compatibility allows it and forward does not', () => {
    const v1 = order(id, itemsOf('int'));
    const candidate = order(id, itemsOf('long'));

    expect(explainIncompatibility('BACKWARD', candidate, [{ version: 1, schema: v1 }])).toEqual([]);
    expect(explainIncompatibility('FORWARD', candidate, [{ version: 1, schema: v1 }])).toEqual([
      'version 1 cannot read the new schema: field "items[].quantity": long cannot be read as int',
    ]);
  });

  it('given a field made nullable, forward compatibility names the union the old reader cannot take', () => {
    const v1 = order(id, currency);

    const reasons = explainIncompatibility('FORWARD', order(id, { name: 'currency', type: ['null', 'string'], default: null }), [
      { version: 1, schema: v1 },
    ]);

    expect(reasons).toEqual(['version 1 cannot read the new schema: field "currency": [null,string] cannot be read as string']);
  });

  it('given an enum that lost a symbol, the reason names the symbol old data may still hold', () => {
    const status = (...symbols: string[]): Field => ({ name: 'status', type: { type: 'enum', name: 'Status', symbols } });

    const reasons = explainIncompatibility('BACKWARD', order(id, status('OPEN')), [
      { version: 1, schema: order(id, status('OPEN', 'CLOSED')) },
    ]);

    expect(reasons).toEqual(['new schema cannot read version 1: field "status": enum Status has no symbol "CLOSED" and no default']);
  });

  it('given a renamed record without an alias, the reason names both records', () => {
    const renamed = { ...order(id), name: 'Purchase' };

    const reasons = explainIncompatibility('BACKWARD', renamed, [{ version: 1, schema: order(id) }]);

    expect(reasons).toEqual([
      'new schema cannot read version 1: Order cannot be read as Purchase (the names differ and no alias maps them)',
    ]);
  });

  it('given a transitive level, every registered version is checked, and only the latest otherwise', () => {
    const registered = [
      { version: 2, schema: order(id, { ...currency, default: 'EUR' }) },
      { version: 1, schema: order(id) },
    ];
    const currencyWithoutDefault = order(id, currency);

    expect(explainIncompatibility('BACKWARD', currencyWithoutDefault, registered)).toEqual([]);
    expect(explainIncompatibility('BACKWARD_TRANSITIVE', currencyWithoutDefault, registered)).toEqual([
      'new schema cannot read version 1: field "currency" has no default',
    ]);
  });

  it('given no compatibility, nothing is ever incompatible', () => {
    expect(explainIncompatibility('NONE', order(id, currency), [{ version: 1, schema: order({ name: 'other', type: 'int' }) }])).toEqual(
      [],
    );
  });
});
