CREATE TABLE "order_failures" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"source_partition" integer NOT NULL,
	"source_offset" bigint NOT NULL,
	"attempts" integer NOT NULL,
	"failed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
