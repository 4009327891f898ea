// Generated from schemas/order-creation-requested.avsc by `pnpm --filter @ouro/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type OrderCreationRequested = DevOuroOrders.OrderCreationRequested;

export namespace DevOuroOrders {
    export const OrderItemSchema = "{\"type\":\"record\",\"name\":\"OrderItem\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceCents\",\"type\":\"long\"}]}";
    export const OrderItemName = "dev.ouro.orders.OrderItem";
    export interface OrderItem {
        sku: string;
        quantity: number;
        unitPriceCents: number;
    }
    export const OrderCreationRequestedSchema = "{\"type\":\"record\",\"name\":\"OrderCreationRequested\",\"namespace\":\"dev.ouro.orders\",\"doc\":\"A client asked for an order; written by order-api to orders.commands, keyed by orderId. The only write on the request path.\",\"fields\":[{\"name\":\"eventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"Unique per event; a retried request re-sends the same eventId.\"},{\"name\":\"occurredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When order-api accepted the request.\"},{\"name\":\"orderId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"UUIDv7 chosen by order-api; the Kafka key.\"},{\"name\":\"customerId\",\"type\":\"string\"},{\"name\":\"currency\",\"type\":\"string\",\"doc\":\"ISO 4217 code.\"},{\"name\":\"items\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"OrderItem\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceCents\",\"type\":\"long\"}]}}},{\"name\":\"idempotencyKey\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The client's Idempotency-Key header, if it sent one.\"}]}";
    export const OrderCreationRequestedName = "dev.ouro.orders.OrderCreationRequested";
    /**
     * A client asked for an order; written by order-api to orders.commands, keyed by orderId. The only write on the request path.
     */
    export interface OrderCreationRequested {
        /**
         * Unique per event; a retried request re-sends the same eventId.
         */
        eventId: string;
        /**
         * When order-api accepted the request.
         */
        occurredAt: number;
        /**
         * UUIDv7 chosen by order-api; the Kafka key.
         */
        orderId: string;
        customerId: string;
        /**
         * ISO 4217 code.
         */
        currency: string;
        items: DevOuroOrders.OrderItem[];
        /**
         * The client's Idempotency-Key header, if it sent one.
         *
         * Default: null
         */
        idempotencyKey: null | string;
    }
}

