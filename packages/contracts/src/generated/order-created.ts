// Generated from schemas/order-created.avsc by `pnpm --filter @ouro/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type OrderCreated = DevOuroOrders.OrderCreated;

export namespace DevOuroOrders {
    export const OrderItemSchema = "{\"type\":\"record\",\"name\":\"OrderItem\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceCents\",\"type\":\"long\"}]}";
    export const OrderItemName = "dev.ouro.orders.OrderItem";
    export interface OrderItem {
        sku: string;
        quantity: number;
        unitPriceCents: number;
    }
    export const OrderCreatedSchema = "{\"type\":\"record\",\"name\":\"OrderCreated\",\"namespace\":\"dev.ouro.orders\",\"doc\":\"An order is stored in PostgreSQL; written by order-processor to orders.events, keyed by orderId, exactly once per order (read_committed).\",\"fields\":[{\"name\":\"eventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"Derived from the orderId, so every emission attempt for an order carries the same id.\"},{\"name\":\"occurredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the order was committed to PostgreSQL.\"},{\"name\":\"orderId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"customerId\",\"type\":\"string\"},{\"name\":\"currency\",\"type\":\"string\"},{\"name\":\"items\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"OrderItem\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceCents\",\"type\":\"long\"}]}}},{\"name\":\"totalCents\",\"type\":\"long\"},{\"name\":\"acceptedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When order-api accepted the request.\"},{\"name\":\"requestEventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"The OrderCreationRequested this order came from.\"}]}";
    export const OrderCreatedName = "dev.ouro.orders.OrderCreated";
    /**
     * An order is stored in PostgreSQL; written by order-processor to orders.events, keyed by orderId, exactly once per order (read_committed).
     */
    export interface OrderCreated {
        /**
         * Derived from the orderId, so every emission attempt for an order carries the same id.
         */
        eventId: string;
        /**
         * When the order was committed to PostgreSQL.
         */
        occurredAt: number;
        orderId: string;
        customerId: string;
        currency: string;
        items: DevOuroOrders.OrderItem[];
        totalCents: number;
        /**
         * When order-api accepted the request.
         */
        acceptedAt: number;
        /**
         * The OrderCreationRequested this order came from.
         */
        requestEventId: string;
    }
}

