CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"currency" char(3) NOT NULL,
	"items" jsonb NOT NULL,
	"total_cents" bigint NOT NULL,
	"accepted_at" timestamp (3) with time zone NOT NULL,
	"committed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"request_event_id" uuid NOT NULL,
	"source_partition" integer NOT NULL,
	"source_offset" bigint NOT NULL,
	"announced_at" timestamp (3) with time zone,
	CONSTRAINT "orders_request_event_id_unique" UNIQUE("request_event_id")
);
--> statement-breakpoint
CREATE INDEX "orders_customer_id_idx" ON "orders" USING btree ("customer_id");